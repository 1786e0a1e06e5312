import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/http/uuid-param';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { EditRoomMessageDto, PostBotMessageDto, PostRoomMessageDto, RoomMessageDto, RoomMessagePageDto, RoomMessageQueryDto } from './dto/room-message.dto';
import { PostedMessage, RoomMessagesService } from './room-messages.service';

/** 201 for a new message, 200 when the clientMessageId was seen before (nothing created). */
function replyPosted({ message, created }: PostedMessage, reply: FastifyReply): RoomMessageDto {
  reply.status(created ? 201 : 200);
  return message;
}

@ApiTags('rooms')
@Controller('rooms/:id/messages')
export class RoomMessagesController {
  constructor(private readonly messages: RoomMessagesService) {}

  @Get()
  @Authorize('rooms', 'read')
  @ApiOperation({
    summary: 'List messages: newest first; `before` pages back (newest first), `after` catches up (oldest first)',
  })
  @ApiOkResponse({ type: RoomMessagePageDto })
  @ApiProblems(400, 404)
  listRoomMessages(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: RoomMessageQueryDto): Promise<RoomMessagePageDto> {
    return this.messages.list(p, id, query);
  }

  @Post()
  @Authorize('rooms', 'create')
  @ApiOperation({ summary: 'Post a message; a repeated clientMessageId returns the stored message with 200' })
  @ApiCreatedResponse({ type: RoomMessageDto, description: 'Stored' })
  @ApiOkResponse({ type: RoomMessageDto, description: 'Already stored under this clientMessageId: nothing created' })
  @ApiProblems(400, 404)
  async postRoomMessage(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: PostRoomMessageDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoomMessageDto> {
    return replyPosted(await this.messages.post(p, id, dto), reply);
  }

  @Patch(':messageId')
  @Authorize('rooms', 'update')
  @ApiOperation({ summary: 'Edit a message (its author only)' })
  @ApiOkResponse({ type: RoomMessageDto })
  @ApiProblems(400, 404, 409)
  editRoomMessage(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Param('messageId', uuidParam('messageId')) messageId: string,
    @Body() dto: EditRoomMessageDto,
  ): Promise<RoomMessageDto> {
    return this.messages.edit(p, id, messageId, dto);
  }

  @Delete(':messageId')
  @HttpCode(204)
  @Authorize('rooms', 'delete')
  @ApiOperation({ summary: 'Delete a message (its author, or a moderator): the text goes, the message stays as deleted' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  deleteRoomMessage(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('messageId', uuidParam('messageId')) messageId: string): Promise<void> {
    return this.messages.remove(p, id, messageId);
  }
}

/** Bot messages: stored among the room's messages (`GET /rooms/{id}/messages` lists them), posted here. */
@ApiTags('rooms')
@Controller('rooms/:id/bot-messages')
export class RoomBotMessagesController {
  constructor(private readonly messages: RoomMessagesService) {}

  @Post()
  @Authorize('rooms', 'manage')
  @ApiOperation({
    summary: 'Post a bot message: no author, shown under `botName` (owners and moderators, usually through an API key); a repeated clientMessageId returns the stored message with 200',
  })
  @ApiCreatedResponse({ type: RoomMessageDto, description: 'Stored' })
  @ApiOkResponse({ type: RoomMessageDto, description: 'Already stored under this clientMessageId: nothing created' })
  @ApiProblems(400, 404)
  async postRoomBotMessage(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: PostBotMessageDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoomMessageDto> {
    return replyPosted(await this.messages.postBot(p, id, dto), reply);
  }
}
