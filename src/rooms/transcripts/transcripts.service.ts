import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { Transactions } from '../../common/database/transactions';
import { AppException } from '../../common/errors/app.exception';
import { DomainEvents } from '../../common/events/domain-events';
import { Page, PageQueryDto, createdAtCursor, toPage } from '../../common/pagination/pagination';
import { RoomAccess, RoomActor } from '../core/room-access';
import { RoomMembersRepository } from '../members/members.repository';
import { AppendTranscriptDto, RoomTranscriptDto, TranscriptExportFormat } from './room-transcript.dto';
import { TranscriptExport, exportTranscript } from './transcript-export';
import { toTranscriptDto } from './transcripts.mapper';
import { RoomTranscriptsRepository } from './transcripts.repository';

/** The most segments one export contains. */
export const TRANSCRIPT_EXPORT_MAX = 20000;

/** Transcript segments of a room: appended by members (or recognition services), listed, exported. */
@Injectable()
export class RoomTranscriptsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly transcripts: RoomTranscriptsRepository,
    private readonly members: RoomMembersRepository,
    private readonly access: RoomAccess,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
  ) {}

  async list(actor: RoomActor, roomId: string, query: PageQueryDto): Promise<Page<RoomTranscriptDto>> {
    const { room } = await this.access.require(actor, roomId, 'read');
    const rows = await this.transcripts.findTranscriptsPage(actor.tenantId, room.id, query);
    return toPage(rows, query.limit, toTranscriptDto, createdAtCursor);
  }

  /** The whole transcript (up to TRANSCRIPT_EXPORT_MAX segments) as plain text or WebVTT. */
  async export(actor: RoomActor, roomId: string, format: TranscriptExportFormat): Promise<TranscriptExport> {
    const { room } = await this.access.require(actor, roomId, 'read');
    const rows = await this.transcripts.findFirstTranscripts(actor.tenantId, room.id, TRANSCRIPT_EXPORT_MAX);
    return exportTranscript(rows.map(toTranscriptDto), format);
  }

  async append(actor: RoomActor, roomId: string, dto: AppendTranscriptDto): Promise<RoomTranscriptDto> {
    if (dto.startedAt !== undefined && dto.endedAt !== undefined && dto.endedAt < dto.startedAt) {
      throw AppException.invalidField('endedAt', 'endedAt must not be before startedAt', 'endBeforeStart');
    }
    return this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'post-transcript');
      if (dto.speakerUserId && !(await this.members.findMembership(actor.tenantId, room.id, dto.speakerUserId))) {
        throw AppException.invalidField('speakerUserId', 'speakerUserId is not a member of this room', 'notARoomMember');
      }
      const saved = await this.transcripts.insertTranscript({
        tenantId: actor.tenantId, roomId: room.id, authorId: actor.userId, speakerUserId: dto.speakerUserId ?? null, content: dto.text,
        language: dto.language ?? null, startedAtMs: dto.startedAt ?? null, endedAtMs: dto.endedAt ?? null,
      });
      await this.audit.record({
        action: 'room.transcript.append', resourceType: 'room-transcript', resourceId: saved.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { roomId: room.id, speakerUserId: saved.speakerUserId, startedAt: saved.startedAtMs, endedAt: saved.endedAtMs, length: saved.content.length },
      });
      const transcript = toTranscriptDto(saved);
      // Fanned out as `transcript:new` by the gateway, once, for REST and socket appends alike.
      this.events.emit('room.transcript.appended', { tenantId: actor.tenantId, roomId: room.id, transcript });
      return transcript;
    });
  }
}
