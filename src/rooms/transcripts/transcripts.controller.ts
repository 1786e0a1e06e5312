import { Body, Controller, Get, Header, Param, Post, Query, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { uuidParam } from '../../common/http/uuid-param';
import { PageOf, PageQueryDto } from '../../common/pagination/pagination';
import { AppendTranscriptDto, RoomTranscriptDto, TranscriptExportQueryDto } from './room-transcript.dto';
import { RoomTranscriptsService } from './transcripts.service';
import { Endpoint } from '../../common/http/endpoint.decorator';

const RoomTranscriptPage = PageOf(RoomTranscriptDto);

@ApiTags('rooms')
@Controller('rooms/:id/transcripts')
export class RoomTranscriptsController {
  constructor(private readonly transcripts: RoomTranscriptsService) {}

  @Get()
  @Endpoint({
    summary: 'List transcript segments in the order they were received (cursor)',
    access: ['rooms', 'read'],
    ok: RoomTranscriptPage,
    problems: [404],
  })
  listRoomTranscripts(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto) {
    return this.transcripts.list(p, id, query);
  }

  @Get('export')
  @Endpoint({
    summary: 'Export the transcript as plain text (`format=txt`) or WebVTT (`format=vtt`)',
    access: ['rooms', 'read'],
    ok: { type: String, description: 'The transcript: text/plain for txt, text/vtt for vtt.' },
    problems: [404],
  })
  @Header('cache-control', 'no-store')
  @ApiProduces('text/plain', 'text/vtt')
  async exportRoomTranscript(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Query() query: TranscriptExportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const file = await this.transcripts.export(p, id, query.format);
    reply.header('content-type', file.contentType);
    return file.body;
  }

  @Post()
  @Endpoint({
    summary: 'Append a transcript segment (a member, or an API key of a recognition service acting as a member)',
    access: ['rooms', 'create'],
    created: RoomTranscriptDto,
    problems: [404],
  })
  appendRoomTranscript(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: AppendTranscriptDto): Promise<RoomTranscriptDto> {
    return this.transcripts.append(p, id, dto);
  }
}
