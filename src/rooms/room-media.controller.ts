import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/http/uuid-param';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { PageOf, PageQueryDto } from '../common/pagination/pagination';
import { CreateStreamingTargetDto, PutSipConfigDto, RoomSipConfigDto, StreamingTargetDto, UpdateStreamingTargetDto } from './dto/room-extras.dto';
import { RoomMediaService } from './room-media.service';

const StreamingTargetPage = PageOf(StreamingTargetDto);

@ApiTags('rooms')
@Controller('rooms/:id')
export class RoomMediaController {
  constructor(private readonly media: RoomMediaService) {}

  @Get('sip')
  @Authorize('rooms', 'read')
  @ApiOperation({ summary: "The room's SIP dial-in (members; the PIN in full for moderators and the owner, masked otherwise)" })
  @ApiOkResponse({ type: RoomSipConfigDto })
  @ApiProblems(400, 404)
  getRoomSip(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<RoomSipConfigDto> {
    return this.media.getSip(p, id);
  }

  @Put('sip')
  @Authorize('rooms', 'update')
  @ApiOperation({ summary: "Set the room's SIP dial-in (moderators and the owner)" })
  @ApiOkResponse({ type: RoomSipConfigDto })
  @ApiProblems(400, 404, 409)
  putRoomSip(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: PutSipConfigDto): Promise<RoomSipConfigDto> {
    return this.media.putSip(p, id, dto);
  }

  @Delete('sip')
  @HttpCode(204)
  @Authorize('rooms', 'update')
  @ApiOperation({ summary: "Remove the room's SIP dial-in (moderators and the owner)" })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 404)
  deleteRoomSip(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.media.deleteSip(p, id);
  }

  @Get('streaming-targets')
  @Authorize('rooms', 'read')
  @ApiOperation({ summary: 'List streaming targets (members; stream keys always masked)' })
  @ApiOkResponse({ type: StreamingTargetPage })
  @ApiProblems(400, 404)
  listRoomStreamingTargets(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto) {
    return this.media.listTargets(p, id, query);
  }

  @Post('streaming-targets')
  @Authorize('rooms', 'update')
  @ApiOperation({ summary: 'Add a streaming target (moderators and the owner)' })
  @ApiCreatedResponse({ type: StreamingTargetDto })
  @ApiProblems(400, 404)
  createRoomStreamingTarget(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: CreateStreamingTargetDto): Promise<StreamingTargetDto> {
    return this.media.createTarget(p, id, dto);
  }

  @Patch('streaming-targets/:targetId')
  @Authorize('rooms', 'update')
  @ApiOperation({ summary: 'Change a streaming target (moderators and the owner)' })
  @ApiOkResponse({ type: StreamingTargetDto })
  @ApiProblems(400, 404)
  updateRoomStreamingTarget(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Param('targetId', uuidParam('targetId')) targetId: string,
    @Body() dto: UpdateStreamingTargetDto,
  ): Promise<StreamingTargetDto> {
    return this.media.updateTarget(p, id, targetId, dto);
  }

  @Delete('streaming-targets/:targetId')
  @HttpCode(204)
  @Authorize('rooms', 'update')
  @ApiOperation({ summary: 'Remove a streaming target (moderators and the owner)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 404)
  deleteRoomStreamingTarget(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('targetId', uuidParam('targetId')) targetId: string): Promise<void> {
    return this.media.deleteTarget(p, id, targetId);
  }
}
