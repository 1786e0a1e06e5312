import { Injectable } from '@nestjs/common';
import { EntityManager, Repository } from 'typeorm';
import { Transactions } from '../common/database/transactions';
import { queryReturning } from '../common/database/sql';
import { PageQueryDto, pageByCreatedAt } from '../common/pagination/pagination';
import { GroupEntity, UserGroupEntity } from './entities/group.entity';

export interface GroupMemberRow {
  userId: string;
  username: string;
  displayName: string | null;
  createdAt: Date;
  id: string;
}

/**
 * `groups` and `user_groups`, every query scoped to one tenant (memberships through their
 * group's tenant), in the caller's transaction when one is open.
 */
@Injectable()
export class GroupsRepository {
  constructor(private readonly transactions: Transactions) {}

  private get manager(): EntityManager {
    return this.transactions.manager;
  }

  private get groups(): Repository<GroupEntity> {
    return this.transactions.repository(GroupEntity);
  }

  findInTenant(tenantId: string, id: string): Promise<GroupEntity | null> {
    return this.groups.findOneBy({ tenantId, id });
  }

  lockInTenant(tenantId: string, id: string): Promise<GroupEntity | null> {
    return this.groups.findOne({ where: { tenantId, id }, lock: { mode: 'pessimistic_write' } });
  }

  async nameTaken(tenantId: string, name: string, exceptId?: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `SELECT 1 FROM groups WHERE tenant_id = $1 AND lower(name) = lower($2) AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [tenantId, name, exceptId ?? null],
    );
    return rows.length > 0;
  }

  findPage(tenantId: string, query: PageQueryDto): Promise<GroupEntity[]> {
    return pageByCreatedAt(this.groups.createQueryBuilder('g').where('g.tenant_id = :tenantId', { tenantId }), 'g', query).getMany();
  }

  async memberCounts(tenantId: string, groupIds: string[]): Promise<Map<string, number>> {
    if (groupIds.length === 0) return new Map();
    const rows: Array<{ group_id: string; n: string }> = await this.manager.query(
      `SELECT m.group_id, count(*) AS n FROM user_groups m JOIN groups g ON g.id = m.group_id AND g.tenant_id = $1
        WHERE m.group_id = ANY($2::uuid[]) GROUP BY m.group_id`,
      [tenantId, groupIds],
    );
    return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
  }

  /** Members of a group of `tenantId`, oldest membership first, keyset on (created_at, user id). */
  async findMembersPage(tenantId: string, groupId: string, query: PageQueryDto): Promise<GroupMemberRow[]> {
    const qb = this.manager
      .createQueryBuilder(UserGroupEntity, 'm')
      .innerJoin('groups', 'g', 'g.id = m.group_id AND g.tenant_id = :tenantId', { tenantId })
      .innerJoin('users', 'u', 'u.id = m.user_id AND u.tenant_id = :tenantId', { tenantId })
      .select(['m.user_id AS "userId"', 'u.username AS "username"', 'u.display_name AS "displayName"', 'm.created_at AS "createdAt"', 'm.user_id AS "id"'])
      .where('m.group_id = :groupId', { groupId });
    const rows = await pageByCreatedAt(qb, 'm', query, 'user_id').getRawMany<GroupMemberRow>();
    return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt) }));
  }

  insert(values: Partial<GroupEntity> & { tenantId: string }): Promise<GroupEntity> {
    return this.groups.save(this.groups.create(values));
  }

  save(group: GroupEntity): Promise<GroupEntity> {
    return this.groups.save(group);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.groups.delete({ tenantId, id });
  }

  /** true when the membership was added (false: it existed, or the group is not the tenant's). */
  async addMember(tenantId: string, groupId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `INSERT INTO user_groups (group_id, user_id)
       SELECT g.id, $3 FROM groups g WHERE g.id = $2 AND g.tenant_id = $1
       ON CONFLICT DO NOTHING RETURNING group_id`,
      [tenantId, groupId, userId],
    );
    return rows.length > 0;
  }

  async removeMember(tenantId: string, groupId: string, userId: string): Promise<boolean> {
    const rows = await queryReturning<{ user_id: string }>(
      this.manager,
      `DELETE FROM user_groups m USING groups g WHERE m.group_id = g.id AND g.tenant_id = $1 AND m.group_id = $2 AND m.user_id = $3 RETURNING m.user_id`,
      [tenantId, groupId, userId],
    );
    return rows.length > 0;
  }
}
