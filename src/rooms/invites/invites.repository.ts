import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PageQueryDto } from '../common/pagination/pagination';
import { RoomInviteEntity } from './entities/room-extras.entity';
import { findRoomRow, findRoomRowsPage, insertRowUnlessTaken } from './room-rows';

@Injectable()
export class RoomInvitesRepository {
  constructor(@InjectRepository(RoomInviteEntity) private readonly invites: Repository<RoomInviteEntity>) {}

  /** A page of a room's invites, oldest first (`limit + 1` rows, see `toPage`). */
  findInvitesPage(tenantId: string, roomId: string, query: PageQueryDto): Promise<RoomInviteEntity[]> {
    return findRoomRowsPage(this.invites, tenantId, roomId, query);
  }

  /** Inserts an invite unless its code is taken (then null: draw another code). */
  async insertInviteIfCodeFree(manager: EntityManager, values: Partial<RoomInviteEntity> & { tenantId: string }): Promise<RoomInviteEntity | null> {
    return insertRowUnlessTaken(manager, RoomInviteEntity, values);
  }

  findInvite(manager: EntityManager, tenantId: string, roomId: string, id: string, lock = false): Promise<RoomInviteEntity | null> {
    return findRoomRow(manager, RoomInviteEntity, tenantId, roomId, id, lock);
  }

  findInviteByCode(manager: EntityManager, tenantId: string, code: string): Promise<RoomInviteEntity | null> {
    return manager.findOneBy(RoomInviteEntity, { tenantId, code });
  }

  async deactivateInvite(manager: EntityManager, tenantId: string, id: string, updatedBy: string): Promise<void> {
    await manager.update(RoomInviteEntity, { tenantId, id }, { active: false, updatedBy });
  }

  /**
   * Counts one use of an invite with one conditional UPDATE, so concurrent redeems never exceed
   * `max_uses`. false: the invite is inactive, expired or used up.
   */
  async countInviteUse(manager: EntityManager, tenantId: string, id: string): Promise<boolean> {
    const counted = await manager.createQueryBuilder().update(RoomInviteEntity).set({ uses: () => 'uses + 1' })
      .where('tenant_id = :tenantId AND id = :id AND active AND (expires_at IS NULL OR expires_at > now()) AND (max_uses IS NULL OR uses < max_uses)', { tenantId, id })
      .returning(['uses']).execute();
    return (counted.raw as unknown[]).length > 0;
  }
}
