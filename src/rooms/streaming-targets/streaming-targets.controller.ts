import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { uuidParam } from '../../common/http/uuid-param';
import { Page, PageOf, PageQueryDto } from '../../common/pagination/pagination';
import { CreateStreamingTargetDto, StreamingTargetDto, UpdateStreamingTargetDto } from './streaming-target.dto';
import { StreamingTargetsService } from './streaming-targets.service';

const StreamingTargetPage = PageOf(StreamingTargetDto);

@ApiTags('rooms')
@Controller('rooms/:id/streaming-targets')
export class StreamingTargetsController {
  constructor(private readonly targets: StreamingTargetsService) {}

  @Get()
  @Endpoint({
    summary: 'List streaming targets (members; stream keys always masked)',
    access: ['rooms', 'read'],
    ok: StreamingTargetPage,
    problems: [404],
  })
  listRoomStreamingTargets(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto): Promise<Page<StreamingTargetDto>> {
    return this.targets.list(p, id, query);
  }

  @Post()
  @Endpoint({
    summary: 'Add a streaming target (moderators and the owner)',
    access: ['rooms', 'update'],
    created: StreamingTargetDto,
    problems: [404],
  })
  createRoomStreamingTarget(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: CreateStreamingTargetDto): Promise<StreamingTargetDto> {
    return this.targets.create(p, id, dto);
  }

  @Patch(':targetId')
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
    return this.targets.update(p, id, targetId, dto);
  }

  @Delete(':targetId')
  @Endpoint({ summary: 'Remove a streaming target (moderators and the owner)', access: ['rooms', 'update'], noContent: 'Removed', problems: [404] })
  deleteRoomStreamingTarget(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('targetId', uuidParam('targetId')) targetId: string): Promise<void> {
    return this.targets.remove(p, id, targetId);
  }
}
