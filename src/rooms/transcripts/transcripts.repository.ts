import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PageQueryDto } from '../common/pagination/pagination';
import { RoomTranscriptEntity } from './entities/room-extras.entity';
import { findRoomRowsPage, saveRoomRow } from './room-rows';

@Injectable()
export class RoomTranscriptsRepository {
  constructor(@InjectRepository(RoomTranscriptEntity) private readonly transcripts: Repository<RoomTranscriptEntity>) {}

  /** A page of a room's transcript segments, oldest first (`limit + 1` rows, see `toPage`). */
  findTranscriptsPage(tenantId: string, roomId: string, query: PageQueryDto): Promise<RoomTranscriptEntity[]> {
    return findRoomRowsPage(this.transcripts, tenantId, roomId, query);
  }

  /** The first `max` transcript segments of a room, oldest first (an export). */
  findFirstTranscripts(tenantId: string, roomId: string, max: number): Promise<RoomTranscriptEntity[]> {
    return this.transcripts.find({ where: { tenantId, roomId }, order: { createdAt: 'ASC', id: 'ASC' }, take: max });
  }

  insertTranscript(manager: EntityManager, values: Partial<RoomTranscriptEntity> & { tenantId: string }): Promise<RoomTranscriptEntity> {
    return saveRoomRow(manager, RoomTranscriptEntity, values);
  }
}
