import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Transactions } from '../../common/database/transactions';
import { PageQueryDto } from '../../common/pagination/pagination';
import { findRoomRowsPage, insertRoomRow } from '../core/room-rows';
import { RoomTranscriptEntity } from './room-transcript.entity';

/** `room_transcripts`, every query scoped to one tenant, in the caller's transaction when one is open. */
@Injectable()
export class RoomTranscriptsRepository {
  constructor(private readonly transactions: Transactions) {}

  private get transcripts(): Repository<RoomTranscriptEntity> {
    return this.transactions.repository(RoomTranscriptEntity);
  }

  /** A page of a room's transcript segments, oldest first (`limit + 1` rows, see `toPage`). */
  findTranscriptsPage(tenantId: string, roomId: string, query: PageQueryDto): Promise<RoomTranscriptEntity[]> {
    return findRoomRowsPage(this.transcripts, tenantId, roomId, query);
  }

  /** The first `max` transcript segments of a room, oldest first (an export). */
  findFirstTranscripts(tenantId: string, roomId: string, max: number): Promise<RoomTranscriptEntity[]> {
    return this.transcripts.find({ where: { tenantId, roomId }, order: { createdAt: 'ASC', id: 'ASC' }, take: max });
  }

  insertTranscript(values: Partial<RoomTranscriptEntity> & { tenantId: string }): Promise<RoomTranscriptEntity> {
    return insertRoomRow(this.transcripts, values);
  }
}
