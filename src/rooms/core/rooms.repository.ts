import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { insertUnlessTaken } from '../../common/database/insert-unless-taken';
import { Transactions } from '../../common/database/transactions';
import { pageByCreatedAt } from '../../common/pagination/pagination';
import { updateTenantRow } from './room-rows';
import { RoomQueryDto } from './room.dto';
import { RoomEntity } from './room.entity';

/** `rooms`, every query scoped to one tenant, in the caller's transaction when one is open. */
@Injectable()
export class RoomsRepository {
  constructor(private readonly transactions: Transactions) {}

  private get rooms(): Repository<RoomEntity> {
    return this.transactions.repository(RoomEntity);
  }

  /** With `lock`, the row is locked FOR UPDATE until the transaction ends. */
  findRoom(tenantId: string, id: string, lock = false): Promise<RoomEntity | null> {
    return this.rooms.findOne({ where: { tenantId, id }, ...(lock && { lock: { mode: 'pessimistic_write' as const } }) });
  }

  /** Inserts a room unless its join code is taken (then null: draw another code). */
  insertRoomIfCodeFree(values: Partial<RoomEntity> & { tenantId: string }): Promise<RoomEntity | null> {
    return insertUnlessTaken(this.transactions, RoomEntity, values);
  }

  /** Writes back a room read (and locked) in its tenant (tenant and id in the WHERE); answers it as stored. */
  updateRoom(room: RoomEntity): Promise<RoomEntity> {
    return updateTenantRow(this.rooms, room);
  }

  async deleteRoom(tenantId: string, id: string): Promise<void> {
    await this.rooms.delete({ tenantId, id });
  }

  /** Rooms of a tenant, oldest first; `member`: only those `userId` belongs to. */
  findRoomsPage(tenantId: string, userId: string, query: RoomQueryDto): Promise<RoomEntity[]> {
    const qb = this.rooms.createQueryBuilder('r').where('r.tenant_id = :tenantId', { tenantId });
    if (query.type) qb.andWhere('r.type = :type', { type: query.type });
    if (query.member) {
      qb.andWhere('EXISTS (SELECT 1 FROM room_members m WHERE m.tenant_id = :tenantId AND m.room_id = r.id AND m.user_id = :userId)', { userId });
    }
    return pageByCreatedAt(qb, 'r', query).getMany();
  }
}
