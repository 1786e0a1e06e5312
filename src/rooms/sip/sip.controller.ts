import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/http/uuid-param';
import { PageOf, PageQueryDto } from '../common/pagination/pagination';
import { CreateStreamingTargetDto, PutSipConfigDto, RoomSipConfigDto, StreamingTargetDto, UpdateStreamingTargetDto } from './dto/room-extras.dto';
import { RoomMediaService } from './room-media.service';
import { Endpoint } from '../common/http/endpoint.decorator';

const StreamingTargetPage = PageOf(StreamingTargetDto);

@ApiTags('rooms')
@Controller('rooms/:id')
export class RoomMediaController {
  constructor(private readonly media: RoomMediaService) {}

  @Get('sip')
  @Endpoint({
    summary: "The room's SIP dial-in (members; the PIN in full for moderators and the owner, masked otherwise)",
    access: ['rooms', 'read'],
    ok: RoomSipConfigDto,
    problems: [404],
  })
  getRoomSip(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<RoomSipConfigDto> {
    return this.media.getSip(p, id);
  }

  @Put('sip')
  @Endpoint({
    summary: "Set the room's SIP dial-in (moderators and the owner)",
    access: ['rooms', 'update'],
    ok: RoomSipConfigDto,
    problems: [404, 409],
  })
  putRoomSip(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: PutSipConfigDto): Promise<RoomSipConfigDto> {
    return this.media.putSip(p, id, dto);
  }

  @Delete('sip')
  @Endpoint({
    summary: "Remove the room's SIP dial-in (moderators and the owner)",
    access: ['rooms', 'update'],
    noContent: 'Removed',
    problems: [404],
  })
  deleteRoomSip(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.media.deleteSip(p, id);
  }

  @Get('streaming-targets')
  @Endpoint({
    summary: 'List streaming targets (members; stream keys always masked)',
    access: ['rooms', 'read'],
    ok: StreamingTargetPage,
    problems: [404],
  })
  listRoomStreamingTargets(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto) {
    return this.media.listTargets(p, id, query);
  }

  @Post('streaming-targets')
  @Endpoint({
    summary: 'Add a streaming target (moderators and the owner)',
    access: ['rooms', 'update'],
    created: StreamingTargetDto,
    problems: [404],
  })
  createRoomStreamingTarget(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: CreateStreamingTargetDto): Promise<StreamingTargetDto> {
    return this.media.createTarget(p, id, dto);
  }

  @Patch('streaming-targets/:targetId')
  @Endpoint({
    summary: 'Change a streaming target (moderators and the owner)',
    access: ['rooms', 'update'],
    ok: StreamingTargetDto,
    problems: [404],
  })
  updateRoomStreamingTarget(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Param('targetId', uuidParam('targetId')) targetId: string,
    @Body() dto: UpdateStreamingTargetDto,
  ): Promise<StreamingTargetDto> {
    return this.media.updateTarget(p, id, targetId, dto);
  }

  @Delete('streaming-targets/:targetId')
  @Endpoint({ summary: 'Remove a streaming target (moderators and the owner)', access: ['rooms', 'update'], noContent: 'Removed', problems: [404] })
  deleteRoomStreamingTarget(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('targetId', uuidParam('targetId')) targetId: string): Promise<void> {
    return this.media.deleteTarget(p, id, targetId);
  }
}
