import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PageQueryDto, pageByCreatedAt } from '../common/pagination/pagination';
import { GroupEntity, UserGroupEntity } from './entities/group.entity';

export interface GroupMemberRow {
  userId: string;
  username: string;
  displayName: string | null;
  createdAt: Date;
  id: string;
}

@Injectable()
export class GroupsRepository {
  constructor(@InjectRepository(GroupEntity) private readonly groups: Repository<GroupEntity>) {}

  findInTenant(tenantId: string, id: string): Promise<GroupEntity | null> {
    return this.groups.findOneBy({ tenantId, id });
  }

  lockInTenant(manager: EntityManager, tenantId: string, id: string): Promise<GroupEntity | null> {
    return manager.findOne(GroupEntity, { where: { tenantId, id }, lock: { mode: 'pessimistic_write' } });
  }

  async nameTaken(manager: EntityManager, tenantId: string, name: string, exceptId?: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM groups WHERE tenant_id = $1 AND lower(name) = lower($2) AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [tenantId, name, exceptId ?? null],
    );
    return rows.length > 0;
  }

  findPage(tenantId: string, query: PageQueryDto): Promise<GroupEntity[]> {
    return pageByCreatedAt(this.groups.createQueryBuilder('g').where('g.tenant_id = :tenantId', { tenantId }), 'g', query).getMany();
  }

  async memberCounts(groupIds: string[]): Promise<Map<string, number>> {
    if (groupIds.length === 0) return new Map();
    const rows: Array<{ group_id: string; n: string }> = await this.groups.query(
      `SELECT group_id, count(*) AS n FROM user_groups WHERE group_id = ANY($1::uuid[]) GROUP BY group_id`,
      [groupIds],
    );
    return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
  }

  /** Members of a group of `tenantId`, oldest membership first, keyset on (created_at, user id). */
  async findMembersPage(tenantId: string, groupId: string, query: PageQueryDto): Promise<GroupMemberRow[]> {
    const qb = this.groups.manager
      .createQueryBuilder(UserGroupEntity, 'm')
      .innerJoin('users', 'u', 'u.id = m.user_id AND u.tenant_id = :tenantId', { tenantId })
      .select(['m.user_id AS "userId"', 'u.username AS "username"', 'u.display_name AS "displayName"', 'm.created_at AS "createdAt"', 'm.user_id AS "id"'])
      .where('m.group_id = :groupId', { groupId });
    const rows = await pageByCreatedAt(qb, 'm', query, 'user_id').getRawMany<GroupMemberRow>();
    return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt) }));
  }

  insert(manager: EntityManager, values: Partial<GroupEntity>): Promise<GroupEntity> {
    return manager.save(manager.create(GroupEntity, values));
  }

  save(manager: EntityManager, group: GroupEntity): Promise<GroupEntity> {
    return manager.save(group);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(GroupEntity, { id });
  }

  /** true when the membership was added (false: it existed). */
  async addMember(manager: EntityManager, groupId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO user_groups (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING group_id`,
      [groupId, userId],
    );
    return rows.length > 0;
  }

  async removeMember(manager: EntityManager, groupId: string, userId: string): Promise<boolean> {
    const result = await manager.delete(UserGroupEntity, { groupId, userId });
    return (result.affected ?? 0) > 0;
  }
}
