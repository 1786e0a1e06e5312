import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/auth/principal';
import { AppException } from '../common/errors/app.exception';
import { Transactions } from '../common/database/transactions';
import { MAX_INT4, Page, PageQueryDto, decodeCursor, toPage } from '../common/pagination/pagination';
import { MAX_ROLES_PER_TENANT, USER_PREFIX, roleSubject } from './access.constants';
import { AccessService } from './access.service';
import { AccessSyncService } from './access-sync.service';
import { toRoleAssignmentDto, toRoleDto } from './access.mapper';
import { CasbinRuleRepository } from './casbin-rule.repository';
import { CreateRoleAssignmentDto, CreateRoleDto, RoleAssignmentDto, RoleDto } from './dto/role.dto';

type LinkCursor = { id: number };
/** Rule ids are PostgreSQL integers (serial): a larger id in a cursor is a forgery. */
const isLinkCursor = (v: Record<string, unknown>): v is LinkCursor => Number.isInteger(v.id) && (v.id as number) > 0 && (v.id as number) <= MAX_INT4;

/** Roles of a tenant and who holds them (users and groups); only platform admins change a platform admin's. */
@Injectable()
export class RolesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly rules: CasbinRuleRepository,
    private readonly sync: AccessSyncService,
    private readonly audit: AuditService,
    private readonly access: AccessService,
  ) {}

  /** Every role of the tenant (at most MAX_ROLES_PER_TENANT), by name. */
  async list(tenantId: string): Promise<RoleDto[]> {
    return (await this.rules.findRoles(tenantId)).map(toRoleDto);
  }

  async create(tenantId: string, dto: CreateRoleDto): Promise<RoleDto> {
    return this.transactions.run(async () => {
      await this.rules.lockTenant(tenantId);
      if (await this.rules.roleExists(tenantId, dto.name)) throw AppException.conflict(`Role "${dto.name}" exists already.`, 'role-exists');
      if ((await this.rules.countRoles(tenantId)) >= MAX_ROLES_PER_TENANT) {
        throw AppException.conflict(`A tenant has at most ${MAX_ROLES_PER_TENANT} roles.`, 'role-limit');
      }
      await this.rules.insertRole(tenantId, dto.name, false);
      const created: RoleDto = { name: dto.name, builtIn: false, policies: 0, members: 0 };
      await this.audit.record({ action: 'role.create', resourceType: 'role', resourceId: dto.name, newValue: created, tenantId });
      return created;
    });
  }

  /** Deletes a custom role with its policies and assignments. */
  async delete(actor: Principal, name: string): Promise<void> {
    const tenantId = actor.tenantId;
    await this.transactions.run(async () => {
      const role = await this.lockAndFindRole(tenantId, name);
      if (role.builtIn) throw AppException.conflict(`Role "${name}" is built in and cannot be deleted.`, 'role-built-in');
      await this.access.sparingPlatformAdmins(actor, tenantId, () => this.rules.deleteRoleAndItsRules(tenantId, name));
      await this.audit.record({ action: 'role.delete', resourceType: 'role', resourceId: name, oldValue: role, tenantId });
      this.sync.afterCommit(tenantId);
    });
  }

  /** Users and groups holding the role directly, oldest assignment first. */
  async listAssignments(tenantId: string, name: string, query: PageQueryDto): Promise<Page<RoleAssignmentDto>> {
    if (!(await this.rules.roleExists(tenantId, name))) throw AppException.notFound('Role');
    const afterId = query.cursor ? decodeCursor(query.cursor, isLinkCursor).id : undefined;
    const rows = await this.rules.findLinksToPage(tenantId, roleSubject(name), afterId, query.limit);
    return toPage(rows, query.limit, (link) => toRoleAssignmentDto(name, link), (link) => ({ id: link.id }));
  }

  async addAssignment(actor: Principal, name: string, dto: CreateRoleAssignmentDto): Promise<RoleAssignmentDto> {
    const tenantId = actor.tenantId;
    return this.transactions.run(async () => {
      await this.lockAndFindRole(tenantId, name);
      await this.access.assertMayNameSubject(actor, tenantId, dto.subject);
      if (await this.rules.findLink(tenantId, dto.subject, roleSubject(name))) {
        throw AppException.conflict(`${dto.subject} holds role "${name}" already.`, 'role-assignment-exists');
      }
      const link = await this.access.sparingPlatformAdmins(actor, tenantId, () => this.rules.insertLink(tenantId, dto.subject, roleSubject(name)));
      const created = toRoleAssignmentDto(name, link);
      await this.audit.record({ action: 'role.assign', resourceType: 'role', resourceId: name, newValue: created, tenantId });
      this.sync.afterCommit(tenantId);
      return created;
    });
  }

  async removeAssignment(actor: Principal, name: string, subject: string): Promise<void> {
    const tenantId = actor.tenantId;
    await this.transactions.run(async () => {
      await this.lockAndFindRole(tenantId, name);
      await this.access.assertMayNameSubject(actor, tenantId, subject);
      const affected = subject.startsWith(USER_PREFIX) ? [subject.slice(USER_PREFIX.length)] : undefined;
      const removed = await this.access.sparingPlatformAdmins(actor, tenantId, () =>
        this.access.keepingAnAdmin(tenantId, affected, () => this.rules.deleteLink(tenantId, subject, roleSubject(name))),
      );
      if (!removed) throw AppException.notFound('Role assignment');
      await this.audit.record({
        action: 'role.unassign',
        resourceType: 'role',
        resourceId: name,
        oldValue: toRoleAssignmentDto(name, { member: subject }),
        tenantId,
      });
      this.sync.afterCommit(tenantId);
    });
  }

  private async lockAndFindRole(tenantId: string, name: string) {
    await this.rules.lockTenant(tenantId);
    const role = await this.rules.findRole(tenantId, name);
    if (!role) throw AppException.notFound('Role');
    return role;
  }
}
