import { Injectable } from '@nestjs/common';
import { In, Repository } from 'typeorm';
import { Transactions } from '../../common/database/transactions';
import { PageQueryDto, decodeCursor } from '../../common/pagination/pagination';
import { isRfc3339 } from '../../common/time/rfc3339';
import { RoomRole } from '../core/rooms.constants';
import { RoomMemberEntity } from './room-member.entity';

export type JoinedCursor = { t: string; id: string };
const isJoinedCursor = (v: Record<string, unknown>): v is JoinedCursor =>
  isRfc3339(v.t) && typeof v.id === 'string' && /^[0-9a-f-]{36}$/i.test(v.id);

/** The cursor of a member page: the member's join time and user id. */
export const joinedCursor = (m: RoomMemberEntity): JoinedCursor => ({ t: m.joinedAt.toISOString(), id: m.userId });

/**
 * `room_members`, every query scoped to one tenant, in the caller's transaction when one is open.
 * Names of members come from the users module (UsersService), never from a join with its table.
 */
@Injectable()
export class RoomMembersRepository {
  constructor(private readonly transactions: Transactions) {}

  private get members(): Repository<RoomMemberEntity> {
    return this.transactions.repository(RoomMemberEntity);
  }

  findMembership(tenantId: string, roomId: string, userId: string): Promise<RoomMemberEntity | null> {
    return this.members.findOneBy({ tenantId, roomId, userId });
  }

  /** The memberships of `userIds` in one room (non-members are left out). */
  findMemberships(tenantId: string, roomId: string, userIds: readonly string[]): Promise<RoomMemberEntity[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.members.findBy({ tenantId, roomId, userId: In([...new Set(userIds)]) });
  }

  /** The role of `userId` in each of `roomIds` where it is a member. */
  async rolesOf(tenantId: string, userId: string, roomIds: readonly string[]): Promise<Map<string, RoomRole>> {
    if (roomIds.length === 0) return new Map();
    const rows = await this.members.findBy({ tenantId, userId, roomId: In([...roomIds]) });
    return new Map(rows.map((m) => [m.roomId, m.role]));
  }

  /** true when added (false: already a member). */
  async insertMember(values: { tenantId: string; roomId: string; userId: string; role: RoomRole }): Promise<boolean> {
    const result = await this.members.createQueryBuilder().insert().into(RoomMemberEntity).values(values).orIgnore().returning(['id']).execute();
    return (result.raw as unknown[]).length > 0;
  }

  async setMemberRole(tenantId: string, roomId: string, userId: string, role: RoomRole): Promise<void> {
    await this.members.update({ tenantId, roomId, userId }, { role });
  }

  async deleteMember(tenantId: string, roomId: string, userId: string): Promise<boolean> {
    const result = await this.members.delete({ tenantId, roomId, userId });
    return (result.affected ?? 0) > 0;
  }

  /** A room's members by join time (keyset on joined_at, user_id), `limit + 1` rows (see `toPage`). */
  findMembersPage(tenantId: string, roomId: string, query: PageQueryDto): Promise<RoomMemberEntity[]> {
    const joined = `date_trunc('milliseconds', m.joined_at)`;
    const qb = this.members.createQueryBuilder('m').where('m.tenant_id = :tenantId AND m.room_id = :roomId', { tenantId, roomId });
    if (query.cursor) {
      const c = decodeCursor(query.cursor, isJoinedCursor);
      qb.andWhere(`(${joined}, m.user_id) > (:cursorT, :cursorId)`, { cursorT: c.t, cursorId: c.id });
    }
    return qb.orderBy(joined, 'ASC').addOrderBy('m.user_id', 'ASC').limit(query.limit + 1).getMany();
  }
}
