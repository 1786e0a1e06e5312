import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { AppException } from '../common/errors/app.exception';
import { DEFAULT_ROLE_POLICIES, DEFAULT_TENANT_ROLES, ROLE_NAME, groupSubject, roleSubject, userSubject } from './access.constants';
import { AccessSyncService } from './access-sync.service';
import { CasbinRuleRepository, NewPolicy } from './casbin-rule.repository';
import { TenantEnforcers } from './tenant-enforcers';

export { DEFAULT_TENANT_ROLES } from './access.constants';

/**
 * Authorization for the rest of the application: the guard's question and the
 * role and group links other modules keep in step with their own data.
 *
 * The writing methods join the caller's transaction; the in-memory enforcers
 * (here and on every other node) are rebuilt only after it commits. They write
 * no audit entry: the calling module records its own action (`user.update`,
 * `group.member.add`, ...), which these links are part of.
 *
 * The reading methods answer from the committed rules in memory; inside a
 * transaction, from the transaction's own view (its uncommitted changes included).
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly rules: CasbinRuleRepository,
    private readonly enforcers: TenantEnforcers,
    private readonly sync: AccessSyncService,
  ) {}

  /** May the caller do `action` on `object` in its tenant? Deny wins; no matching rule means no. */
  async enforce(principal: Principal, object: string, action: string): Promise<boolean> {
    return this.enforcers.enforce(principal.tenantId, userSubject(principal.userId), object, action);
  }

  /** Creates the default roles (admin, member, guest) and their policies; running it again adds only what is missing. */
  async seedTenant(tenantId: string): Promise<void> {
    await this.rules.lockTenant(tenantId);
    for (const role of DEFAULT_TENANT_ROLES) {
      if (!(await this.rules.roleExists(tenantId, role))) await this.rules.insertRole(tenantId, role, true);
      const policies: NewPolicy[] = DEFAULT_ROLE_POLICIES[role].map(([object, action]) => ({ subject: roleSubject(role), object, action, effect: 'allow' }));
      await this.rules.insertMissingPolicies(tenantId, policies);
    }
    this.sync.afterCommit(tenantId);
  }

  /** Replaces the roles the user holds directly in the tenant with `role` (a name without `role:`). */
  async setUserRole(tenantId: string, userId: string, role: string): Promise<void> {
    await this.rules.lockTenant(tenantId);
    if (!ROLE_NAME.test(role) || !(await this.rules.roleExists(tenantId, role))) {
      throw AppException.invalidField('role', `role "${role}" does not exist in this tenant`, 'unknownRole');
    }
    const subject = userSubject(userId);
    await this.rules.deleteDirectRoleLinks(tenantId, subject);
    await this.rules.insertLink(tenantId, subject, roleSubject(role));
    this.sync.afterCommit(tenantId);
  }

  /** Role names (without `role:`) the user holds in the tenant, directly or through its groups. */
  async getUserRoles(tenantId: string, userId: string): Promise<string[]> {
    return (await this.getRolesOfUsers(tenantId, [userId])).get(userId) ?? [];
  }

  /** The role names of each of `userIds` in the tenant, from one look at the tenant's policy (a page of users). */
  async getRolesOfUsers(tenantId: string, userIds: readonly string[]): Promise<Map<string, string[]>> {
    const policy = await this.enforcers.get(tenantId);
    const roles = await Promise.all(userIds.map(async (id) => [id, await policy.roleNames(userSubject(id))] as const));
    return new Map(roles);
  }

  async addGroupMember(tenantId: string, groupId: string, userId: string): Promise<void> {
    await this.rules.lockTenant(tenantId);
    const member = userSubject(userId);
    const group = groupSubject(groupId);
    if (await this.rules.findLink(tenantId, member, group)) return;
    await this.rules.insertLink(tenantId, member, group);
    this.sync.afterCommit(tenantId);
  }

  async removeGroupMember(tenantId: string, groupId: string, userId: string): Promise<void> {
    await this.rules.lockTenant(tenantId);
    if (await this.rules.deleteLink(tenantId, userSubject(userId), groupSubject(groupId))) this.sync.afterCommit(tenantId);
  }

  /** Drops the group's memberships, its roles and the policies whose subject is the group. */
  async removeGroup(tenantId: string, groupId: string): Promise<void> {
    await this.removeSubject(tenantId, groupSubject(groupId));
  }

  /** Drops the user's roles, group memberships and the policies whose subject is the user. */
  async removeUser(tenantId: string, userId: string): Promise<void> {
    await this.removeSubject(tenantId, userSubject(userId));
  }

  private async removeSubject(tenantId: string, subject: string): Promise<void> {
    await this.rules.lockTenant(tenantId);
    await this.rules.deleteLinksOf(tenantId, subject);
    await this.rules.deletePoliciesOfSubject(tenantId, subject);
    this.sync.afterCommit(tenantId);
  }
}
