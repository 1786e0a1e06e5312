import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Transactions } from '../../common/database/transactions';
import { PageQueryDto } from '../../common/pagination/pagination';
import { deleteRoomRow, findRoomRow, findRoomRowsPage, insertRoomRow, updateTenantRow } from '../core/room-rows';
import { RoomStreamingTargetEntity } from './room-streaming-target.entity';

/** `room_streaming_targets`, every query scoped to one tenant, in the caller's transaction when one is open. */
@Injectable()
export class StreamingTargetsRepository {
  constructor(private readonly transactions: Transactions) {}

  private get targets(): Repository<RoomStreamingTargetEntity> {
    return this.transactions.repository(RoomStreamingTargetEntity);
  }

  findStreamingTargetsPage(tenantId: string, roomId: string, query: PageQueryDto): Promise<RoomStreamingTargetEntity[]> {
    return findRoomRowsPage(this.targets, tenantId, roomId, query);
  }

  findStreamingTarget(tenantId: string, roomId: string, id: string, lock = false): Promise<RoomStreamingTargetEntity | null> {
    return findRoomRow(this.targets, tenantId, roomId, id, lock);
  }

  insertStreamingTarget(values: Partial<RoomStreamingTargetEntity> & { tenantId: string }): Promise<RoomStreamingTargetEntity> {
    return insertRoomRow(this.targets, values);
  }

  /** Writes back a target read (and locked) in its tenant (tenant and id in the WHERE); answers it as stored. */
  updateStreamingTarget(target: RoomStreamingTargetEntity): Promise<RoomStreamingTargetEntity> {
    return updateTenantRow(this.targets, target);
  }

  deleteStreamingTarget(tenantId: string, id: string): Promise<void> {
    return deleteRoomRow(this.targets, tenantId, id);
  }
}
