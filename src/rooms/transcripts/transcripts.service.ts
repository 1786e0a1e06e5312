import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { transaction } from '../common/database/transaction';
import { AppException } from '../common/errors/app.exception';
import { Page, PageQueryDto, createdAtCursor, toPage } from '../common/pagination/pagination';
import { AppendTranscriptDto, RoomTranscriptDto } from './dto/room-extras.dto';
import { RoomAccess, RoomActor } from './room-access';
import { RoomEvents } from './room-events';
import { toTranscriptDto } from './room-extras.mapper';
import { RoomTranscriptsRepository } from './room-transcripts.repository';
import { RoomsRepository } from './rooms.repository';

/** The most segments one export contains. */
export const TRANSCRIPT_EXPORT_MAX = 20000;
/** Length given to a VTT cue whose segment has no end. */
const DEFAULT_CUE_MS = 2000;

/** Formats milliseconds as a WebVTT timestamp `HH:MM:SS.mmm`. */
export function vttTime(ms: number): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const h = Math.floor(ms / 3600000);
  const m = Math.floor((ms % 3600000) / 60000);
  const s = Math.floor((ms % 60000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** A WebVTT document of the segments, in order; a segment without times follows the previous one. */
export function toVtt(segments: RoomTranscriptDto[]): string {
  let cursor = 0;
  const cues = segments.map((seg, i) => {
    const start = seg.startedAt ?? cursor;
    const end = Math.max(seg.endedAt ?? start + DEFAULT_CUE_MS, start + 1);
    cursor = end;
    // "-->" and blank lines would end a cue early: keep each cue's text on non-empty lines.
    const text = seg.text.replace(/-->/g, '->').split(/\r?\n/).filter((l) => l.trim() !== '').join('\n');
    return `${i + 1}\n${vttTime(start)} --> ${vttTime(end)}\n${text}`;
  });
  return ['WEBVTT', ...cues].join('\n\n') + '\n';
}

export function toTxt(segments: RoomTranscriptDto[]): string {
  return segments.map((s) => (s.startedAt !== null ? `[${vttTime(s.startedAt)}] ${s.text}` : s.text)).join('\n') + (segments.length ? '\n' : '');
}

/** Transcript segments of a room (issue 4 item 4). */
@Injectable()
export class RoomTranscriptsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rooms: RoomsRepository,
    private readonly transcripts: RoomTranscriptsRepository,
    private readonly access: RoomAccess,
    private readonly audit: AuditService,
    private readonly events: RoomEvents,
  ) {}

  async list(actor: RoomActor, roomId: string, query: PageQueryDto): Promise<Page<RoomTranscriptDto>> {
    const { room } = await this.access.require(this.dataSource.manager, actor, roomId, 'read');
    const rows = await this.transcripts.findTranscriptsPage(actor.tenantId, room.id, query);
    return toPage(rows, query.limit, toTranscriptDto, createdAtCursor);
  }

  async exportAll(actor: RoomActor, roomId: string): Promise<RoomTranscriptDto[]> {
    const { room } = await this.access.require(this.dataSource.manager, actor, roomId, 'read');
    const rows = await this.transcripts.findFirstTranscripts(actor.tenantId, room.id, TRANSCRIPT_EXPORT_MAX);
    return rows.map(toTranscriptDto);
  }

  async append(actor: RoomActor, roomId: string, dto: AppendTranscriptDto): Promise<RoomTranscriptDto> {
    if (dto.startedAt !== undefined && dto.endedAt !== undefined && dto.endedAt < dto.startedAt) {
      throw AppException.invalidField('endedAt', 'endedAt must not be before startedAt', 'endBeforeStart');
    }
    return transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'post-transcript');
      if (dto.speakerUserId && !(await this.rooms.findMembership(tx.manager, actor.tenantId, room.id, dto.speakerUserId))) {
        throw AppException.invalidField('speakerUserId', 'speakerUserId is not a member of this room', 'notARoomMember');
      }
      const saved = await this.transcripts.insertTranscript(tx.manager, {
        tenantId: actor.tenantId, roomId: room.id, authorId: actor.userId, speakerUserId: dto.speakerUserId ?? null, content: dto.text,
        language: dto.language ?? null, startedAtMs: dto.startedAt ?? null, endedAtMs: dto.endedAt ?? null,
      });
      await this.audit.record(tx.manager, {
        action: 'room.transcript.append', resourceType: 'room-transcript', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { roomId: room.id, speakerUserId: saved.speakerUserId, startedAt: saved.startedAtMs, endedAt: saved.endedAtMs, length: saved.content.length },
      });
      const transcript = toTranscriptDto(saved);
      // Fanned out as `transcript:new` by the gateway, once, for REST and socket appends alike.
      tx.afterCommit(() => this.events.emit('transcript.appended', { tenantId: actor.tenantId, roomId: room.id, transcript }));
      return transcript;
    });
  }
}
