import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppException } from '../common/errors/app.exception';
import { Tx, transaction } from '../common/database/transaction';
import { Page, PageQueryDto, decodeCursor, toPage } from '../common/pagination/pagination';
import { MAX_ROLES_PER_TENANT, roleSubject } from './access.constants';
import { AccessSyncService } from './access-sync.service';
import { toRoleAssignmentDto, toRoleDto } from './access.mapper';
import { CasbinRuleRepository } from './casbin-rule.repository';
import { CreateRoleAssignmentDto, CreateRoleDto, RoleAssignmentDto, RoleDto } from './dto/role.dto';

type LinkCursor = { id: number };
const isLinkCursor = (v: Record<string, unknown>): v is LinkCursor => Number.isInteger(v.id) && (v.id as number) > 0;

/** Roles of a tenant and who holds them (users and groups). */
@Injectable()
export class RolesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rules: CasbinRuleRepository,
    private readonly sync: AccessSyncService,
    private readonly audit: AuditService,
  ) {}

  /** Every role of the tenant (at most MAX_ROLES_PER_TENANT), by name. */
  async list(tenantId: string): Promise<RoleDto[]> {
    return (await this.rules.findRoles(tenantId)).map(toRoleDto);
  }

  async create(tenantId: string, dto: CreateRoleDto): Promise<RoleDto> {
    return transaction(this.dataSource, async (tx) => {
      await this.rules.lockTenant(tx.manager, tenantId);
      if (await this.rules.roleExists(tx.manager, tenantId, dto.name)) throw AppException.conflict(`Role "${dto.name}" exists already.`, 'role-exists');
      if ((await this.rules.countRoles(tx.manager, tenantId)) >= MAX_ROLES_PER_TENANT) {
        throw AppException.conflict(`A tenant has at most ${MAX_ROLES_PER_TENANT} roles.`, 'role-limit');
      }
      await this.rules.insertRole(tx.manager, tenantId, dto.name, false);
      const created: RoleDto = { name: dto.name, builtIn: false, policies: 0, members: 0 };
      await this.audit.record(tx.manager, { action: 'role.create', resourceType: 'role', resourceId: dto.name, newValue: created, tenantId });
      return created;
    });
  }

  /** Deletes a custom role with its policies and assignments. */
  async delete(tenantId: string, name: string): Promise<void> {
    await transaction(this.dataSource, async (tx) => {
      const role = await this.lockAndFindRole(tx, tenantId, name);
      if (role.builtIn) throw AppException.conflict(`Role "${name}" is built in and cannot be deleted.`, 'role-built-in');
      await this.rules.deleteRoleAndItsRules(tx.manager, tenantId, name);
      await this.audit.record(tx.manager, { action: 'role.delete', resourceType: 'role', resourceId: name, oldValue: role, tenantId });
      this.sync.afterCommit(tx, tenantId);
    });
  }

  /** Users and groups holding the role directly, oldest assignment first. */
  async listAssignments(tenantId: string, name: string, query: PageQueryDto): Promise<Page<RoleAssignmentDto>> {
    if (!(await this.rules.roleExists(this.dataSource.manager, tenantId, name))) throw AppException.notFound('Role');
    const afterId = query.cursor ? decodeCursor(query.cursor, isLinkCursor).id : undefined;
    const rows = await this.rules.findLinksToPage(tenantId, roleSubject(name), afterId, query.limit);
    return toPage(rows, query.limit, (link) => toRoleAssignmentDto(name, link), (link) => ({ id: link.id }));
  }

  async addAssignment(tenantId: string, name: string, dto: CreateRoleAssignmentDto): Promise<RoleAssignmentDto> {
    return transaction(this.dataSource, async (tx) => {
      await this.lockAndFindRole(tx, tenantId, name);
      if (await this.rules.findLink(tx.manager, tenantId, dto.subject, roleSubject(name))) {
        throw AppException.conflict(`${dto.subject} holds role "${name}" already.`, 'role-assignment-exists');
      }
      const link = await this.rules.insertLink(tx.manager, tenantId, dto.subject, roleSubject(name));
      const created = toRoleAssignmentDto(name, link);
      await this.audit.record(tx.manager, { action: 'role.assign', resourceType: 'role', resourceId: name, newValue: created, tenantId });
      this.sync.afterCommit(tx, tenantId);
      return created;
    });
  }

  async removeAssignment(tenantId: string, name: string, subject: string): Promise<void> {
    await transaction(this.dataSource, async (tx) => {
      await this.lockAndFindRole(tx, tenantId, name);
      if (!(await this.rules.deleteLink(tx.manager, tenantId, subject, roleSubject(name)))) throw AppException.notFound('Role assignment');
      await this.audit.record(tx.manager, {
        action: 'role.unassign',
        resourceType: 'role',
        resourceId: name,
        oldValue: toRoleAssignmentDto(name, { member: subject }),
        tenantId,
      });
      this.sync.afterCommit(tx, tenantId);
    });
  }

  private async lockAndFindRole(tx: Tx, tenantId: string, name: string) {
    await this.rules.lockTenant(tx.manager, tenantId);
    const role = await this.rules.findRole(tx.manager, tenantId, name);
    if (!role) throw AppException.notFound('Role');
    return role;
  }
}
