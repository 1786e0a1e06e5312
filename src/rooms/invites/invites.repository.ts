import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { insertUnlessTaken } from '../../common/database/insert-unless-taken';
import { Transactions } from '../../common/database/transactions';
import { PageQueryDto } from '../../common/pagination/pagination';
import { findRoomRow, findRoomRowsPage } from '../core/room-rows';
import { RoomInviteEntity } from './room-invite.entity';

/** `room_invites`, every query scoped to one tenant, in the caller's transaction when one is open. */
@Injectable()
export class RoomInvitesRepository {
  constructor(private readonly transactions: Transactions) {}

  private get invites(): Repository<RoomInviteEntity> {
    return this.transactions.repository(RoomInviteEntity);
  }

  /** A page of a room's invites, oldest first (`limit + 1` rows, see `toPage`). */
  findInvitesPage(tenantId: string, roomId: string, query: PageQueryDto): Promise<RoomInviteEntity[]> {
    return findRoomRowsPage(this.invites, tenantId, roomId, query);
  }

  /** Inserts an invite unless its code is taken (then null: draw another code). */
  insertInviteIfCodeFree(values: Partial<RoomInviteEntity> & { tenantId: string }): Promise<RoomInviteEntity | null> {
    return insertUnlessTaken(this.transactions, RoomInviteEntity, values);
  }

  findInvite(tenantId: string, roomId: string, id: string, lock = false): Promise<RoomInviteEntity | null> {
    return findRoomRow(this.invites, tenantId, roomId, id, lock);
  }

  findInviteByCode(tenantId: string, code: string): Promise<RoomInviteEntity | null> {
    return this.invites.findOneBy({ tenantId, code });
  }

  async deactivateInvite(tenantId: string, id: string, updatedBy: string): Promise<void> {
    await this.invites.update({ tenantId, id }, { active: false, updatedBy });
  }

  /**
   * Counts one use of an invite with one conditional UPDATE, so concurrent redeems never exceed
   * `max_uses`. false: the invite is inactive, expired or used up.
   */
  async countInviteUse(tenantId: string, id: string): Promise<boolean> {
    const counted = await this.transactions.manager.createQueryBuilder().update(RoomInviteEntity).set({ uses: () => 'uses + 1' })
      .where('tenant_id = :tenantId AND id = :id AND active AND (expires_at IS NULL OR expires_at > now()) AND (max_uses IS NULL OR uses < max_uses)', { tenantId, id })
      .returning(['uses']).execute();
    return (counted.raw as unknown[]).length > 0;
  }
}
