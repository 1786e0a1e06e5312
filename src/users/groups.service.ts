import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { assertMayActOn } from '../common/auth/platform-admins';
import type { Principal } from '../common/auth/principal';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { Page, PageQueryDto, createdAtCursor, toPage } from '../common/pagination/pagination';
import { CreateGroupDto, GroupDto, GroupMemberDto, UpdateGroupDto } from './dto/group.dto';
import { GroupEntity } from './entities/group.entity';
import { GroupsRepository } from './groups.repository';
import { UsersRepository } from './users.repository';

/**
 * Groups of a tenant and their members. Only platform admins change a platform admin's group
 * memberships, or delete a group when that lowers a platform admin's rights.
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly groups: GroupsRepository,
    private readonly users: UsersRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async list(tenantId: string, query: PageQueryDto): Promise<Page<GroupDto>> {
    const rows = await this.groups.findPage(tenantId, query);
    const page = toPage(rows, query.limit, (g) => g, createdAtCursor);
    const counts = await this.groups.memberCounts(tenantId, page.items.map((g) => g.id));
    return { items: page.items.map((g) => toGroupDto(g, counts.get(g.id) ?? 0)), nextCursor: page.nextCursor };
  }

  async get(tenantId: string, id: string): Promise<GroupDto> {
    const group = await this.groups.findInTenant(tenantId, id);
    if (!group) throw AppException.notFound('Group');
    return toGroupDto(group, (await this.groups.memberCounts(tenantId, [id])).get(id) ?? 0);
  }

  async create(principal: Principal, dto: CreateGroupDto): Promise<GroupDto> {
    return this.transactions.run(async () => {
      await this.assertNameFree(principal.tenantId, dto.name);
      const group = await this.groups.insert({ tenantId: principal.tenantId, name: dto.name, description: dto.description ?? null });
      const out = toGroupDto(group, 0);
      await this.audit.record({ action: 'group.create', resourceType: 'group', resourceId: group.id, newValue: out });
      return out;
    });
  }

  async update(principal: Principal, id: string, dto: UpdateGroupDto): Promise<GroupDto> {
    await this.transactions.run(async () => {
      const group = await this.lock(principal.tenantId, id);
      const before = { name: group.name, description: group.description };
      if (dto.name !== undefined && dto.name.toLowerCase() !== group.name.toLowerCase()) await this.assertNameFree(principal.tenantId, dto.name, id);
      if (dto.name !== undefined) group.name = dto.name;
      if (dto.description !== undefined) group.description = dto.description;
      const saved = await this.groups.save(group);
      await this.audit.record({ action: 'group.update', resourceType: 'group', resourceId: id, oldValue: before, newValue: { name: saved.name, description: saved.description } });
    });
    return this.get(principal.tenantId, id);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    await this.transactions.run(async () => {
      const group = await this.lock(principal.tenantId, id);
      await this.access.sparingPlatformAdmins(principal, principal.tenantId, () => this.access.removeGroup(principal.tenantId, id));
      await this.groups.delete(principal.tenantId, id);
      await this.audit.record({ action: 'group.delete', resourceType: 'group', resourceId: id, oldValue: { name: group.name } });
    });
  }

  async listMembers(tenantId: string, groupId: string, query: PageQueryDto): Promise<Page<GroupMemberDto>> {
    if (!(await this.groups.findInTenant(tenantId, groupId))) throw AppException.notFound('Group');
    const rows = await this.groups.findMembersPage(tenantId, groupId, query);
    return toPage(
      rows,
      query.limit,
      (r) => ({ userId: r.userId, username: r.username, displayName: r.displayName, addedAt: r.createdAt.toISOString() }),
      (r) => createdAtCursor({ createdAt: r.createdAt, id: r.userId }),
    );
  }

  async addMember(principal: Principal, groupId: string, userId: string): Promise<GroupMemberDto> {
    return this.transactions.run(async () => {
      await this.lock(principal.tenantId, groupId);
      const user = await this.users.findInTenant(principal.tenantId, userId);
      if (!user) throw AppException.notFound('User');
      assertMayActOn(principal, user);
      if (!(await this.groups.addMember(principal.tenantId, groupId, userId))) throw AppException.conflict('The user is already a member.', 'already-a-member');
      await this.access.addGroupMember(principal.tenantId, groupId, userId);
      await this.audit.record({ action: 'group.member.add', resourceType: 'group', resourceId: groupId, newValue: { userId } });
      return { userId, username: user.username, displayName: user.displayName, addedAt: new Date().toISOString() };
    });
  }

  async removeMember(principal: Principal, groupId: string, userId: string): Promise<void> {
    await this.transactions.run(async () => {
      await this.lock(principal.tenantId, groupId);
      const user = await this.users.findInTenant(principal.tenantId, userId);
      if (user) assertMayActOn(principal, user);
      if (!(await this.groups.removeMember(principal.tenantId, groupId, userId))) throw AppException.notFound('Group member');
      await this.access.removeGroupMember(principal.tenantId, groupId, userId);
      await this.audit.record({ action: 'group.member.remove', resourceType: 'group', resourceId: groupId, oldValue: { userId } });
    });
  }

  private async lock(tenantId: string, id: string): Promise<GroupEntity> {
    const group = await this.groups.lockInTenant(tenantId, id);
    if (!group) throw AppException.notFound('Group');
    return group;
  }

  private async assertNameFree(tenantId: string, name: string, exceptId?: string): Promise<void> {
    if (await this.groups.nameTaken(tenantId, name, exceptId)) {
      throw new AppException(409, 'group-exists', { detail: `A group named "${name}" exists.`, errors: [{ field: 'name', message: 'name is taken', code: 'unique' }] });
    }
  }
}

function toGroupDto(g: GroupEntity, memberCount: number): GroupDto {
  return { id: g.id, name: g.name, description: g.description, memberCount, createdAt: g.createdAt.toISOString(), updatedAt: g.updatedAt.toISOString() };
}
