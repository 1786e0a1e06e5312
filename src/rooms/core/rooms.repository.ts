import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PageQueryDto, decodeCursor, pageByCreatedAt } from '../common/pagination/pagination';
import { RoomQueryDto } from './dto/room.dto';
import { RoomMemberEntity } from './entities/room-member.entity';
import { RoomEntity } from './entities/room.entity';
import { insertRowUnlessTaken } from './room-rows';
import { RoomRole } from './rooms.constants';

export interface RoomMemberRow {
  userId: string;
  username: string;
  displayName: string | null;
  role: RoomRole;
  joinedAt: Date;
}

type JoinedCursor = { t: string; id: string };
const isJoinedCursor = (v: Record<string, unknown>): v is JoinedCursor =>
  typeof v.t === 'string' && !Number.isNaN(Date.parse(v.t)) && typeof v.id === 'string' && /^[0-9a-f-]{36}$/i.test(v.id);

@Injectable()
export class RoomsRepository {
  constructor(@InjectRepository(RoomEntity) private readonly rooms: Repository<RoomEntity>) {}

  findRoom(manager: EntityManager, tenantId: string, id: string, lock = false): Promise<RoomEntity | null> {
    return manager.findOne(RoomEntity, { where: { tenantId, id }, ...(lock && { lock: { mode: 'pessimistic_write' as const } }) });
  }

  findMembership(manager: EntityManager, tenantId: string, roomId: string, userId: string): Promise<RoomMemberEntity | null> {
    return manager.findOneBy(RoomMemberEntity, { tenantId, roomId, userId });
  }

  /** Inserts a room unless its join code is taken (then null: draw another code). */
  insertRoomIfCodeFree(manager: EntityManager, values: Partial<RoomEntity> & { tenantId: string }): Promise<RoomEntity | null> {
    return insertRowUnlessTaken(manager, RoomEntity, values);
  }

  saveRoom(manager: EntityManager, room: RoomEntity): Promise<RoomEntity> {
    return manager.save(room);
  }

  async deleteRoom(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    await manager.delete(RoomEntity, { tenantId, id });
  }

  /** Rooms of a tenant, oldest first; `member`: only those `userId` belongs to. */
  findRoomsPage(tenantId: string, userId: string, query: RoomQueryDto): Promise<RoomEntity[]> {
    const qb = this.rooms.createQueryBuilder('r').where('r.tenant_id = :tenantId', { tenantId });
    if (query.type) qb.andWhere('r.type = :type', { type: query.type });
    if (query.member) qb.andWhere('EXISTS (SELECT 1 FROM room_members m WHERE m.room_id = r.id AND m.user_id = :userId)', { userId });
    return pageByCreatedAt(qb, 'r', query).getMany();
  }

  /** The caller's role in each of `roomIds` where it is a member. */
  async rolesOf(tenantId: string, userId: string, roomIds: string[]): Promise<Map<string, RoomRole>> {
    if (roomIds.length === 0) return new Map();
    const rows = await this.rooms.manager.find(RoomMemberEntity, { where: roomIds.map((roomId) => ({ tenantId, roomId, userId })) });
    return new Map(rows.map((m) => [m.roomId, m.role]));
  }

  /** true when added (false: already a member). */
  async insertMember(manager: EntityManager, values: { tenantId: string; roomId: string; userId: string; role: RoomRole }): Promise<boolean> {
    const result = await manager.createQueryBuilder().insert().into(RoomMemberEntity).values(values).orIgnore().returning(['id']).execute();
    return (result.raw as unknown[]).length > 0;
  }

  async setMemberRole(manager: EntityManager, tenantId: string, roomId: string, userId: string, role: RoomRole): Promise<void> {
    await manager.update(RoomMemberEntity, { tenantId, roomId, userId }, { role });
  }

  async deleteMember(manager: EntityManager, tenantId: string, roomId: string, userId: string): Promise<boolean> {
    const result = await manager.delete(RoomMemberEntity, { tenantId, roomId, userId });
    return (result.affected ?? 0) > 0;
  }

  /** Members with their user names, by join time (keyset on joined_at, user_id). */
  async findMembersPage(tenantId: string, roomId: string, query: PageQueryDto): Promise<RoomMemberRow[]> {
    const joined = `date_trunc('milliseconds', m.joined_at)`;
    const qb = this.memberRows(this.rooms.manager, tenantId).where('m.room_id = :roomId', { roomId });
    if (query.cursor) {
      const c = decodeCursor(query.cursor, isJoinedCursor);
      qb.andWhere(`(${joined}, m.user_id) > (:cursorT, :cursorId)`, { cursorT: c.t, cursorId: c.id });
    }
    const rows = await qb.orderBy(joined, 'ASC').addOrderBy('m.user_id', 'ASC').limit(query.limit + 1).getRawMany<RoomMemberRow>();
    return rows.map((r) => ({ ...r, joinedAt: new Date(r.joinedAt) }));
  }

  async findMemberRow(manager: EntityManager, tenantId: string, roomId: string, userId: string): Promise<RoomMemberRow | null> {
    const row = await this.memberRows(manager, tenantId).where('m.room_id = :roomId AND m.user_id = :userId', { roomId, userId }).getRawOne<RoomMemberRow>();
    return row ? { ...row, joinedAt: new Date(row.joinedAt) } : null;
  }

  /** Membership joined with the user's public names (a read of the users table for display only). */
  private memberRows(manager: EntityManager, tenantId: string) {
    return manager
      .createQueryBuilder(RoomMemberEntity, 'm')
      .innerJoin('users', 'u', 'u.id = m.user_id AND u.tenant_id = :tenantId', { tenantId })
      .select(['m.user_id AS "userId"', 'u.username AS "username"', 'u.display_name AS "displayName"', 'm.role AS "role"', 'm.joined_at AS "joinedAt"']);
  }
}
