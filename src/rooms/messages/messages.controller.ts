import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { uuidParam } from '../../common/http/uuid-param';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { PostedMessage, RoomMessagesService } from './messages.service';
import { EditRoomMessageDto, PostBotMessageDto, PostRoomMessageDto, RoomMessageDto, RoomMessagePageDto, RoomMessageQueryDto } from './room-message.dto';

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
  @Endpoint({
    summary: 'List messages: newest first; `before` pages back (newest first), `after` catches up (oldest first)',
    access: ['rooms', 'read'],
    ok: RoomMessagePageDto,
    problems: [404],
  })
  listRoomMessages(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: RoomMessageQueryDto): Promise<RoomMessagePageDto> {
    return this.messages.list(p, id, query);
  }

  @Post()
  @Endpoint({
    summary: 'Post a message; a repeated clientMessageId returns the stored message with 200',
    access: ['rooms', 'create'],
    ok: { type: RoomMessageDto, description: 'Already stored under this clientMessageId: nothing created' },
    created: { type: RoomMessageDto, description: 'Stored' },
    problems: [404],
  })
  async postRoomMessage(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: PostRoomMessageDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoomMessageDto> {
    return replyPosted(await this.messages.post(p, id, dto), reply);
  }

  @Patch(':messageId')
  @Endpoint({ summary: 'Edit a message (its author only)', access: ['rooms', 'update'], ok: RoomMessageDto, problems: [404, 409] })
  editRoomMessage(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Param('messageId', uuidParam('messageId')) messageId: string,
    @Body() dto: EditRoomMessageDto,
  ): Promise<RoomMessageDto> {
    return this.messages.edit(p, id, messageId, dto);
  }

  @Delete(':messageId')
  @Endpoint({
    summary: 'Delete a message (its author, or a moderator): the text goes, the message stays as deleted',
    access: ['rooms', 'delete'],
    noContent: 'Deleted',
    problems: [404],
  })
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
  @Endpoint({
    summary: 'Post a bot message: no author, shown under `botName` (owners and moderators, usually through an API key); a repeated clientMessageId returns the stored message with 200',
    access: ['rooms', 'manage'],
    ok: { type: RoomMessageDto, description: 'Already stored under this clientMessageId: nothing created' },
    created: { type: RoomMessageDto, description: 'Stored' },
    problems: [404],
  })
  async postRoomBotMessage(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: PostBotMessageDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoomMessageDto> {
    return replyPosted(await this.messages.postBot(p, id, dto), reply);
  }
}
