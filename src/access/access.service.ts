import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { AppException } from '../common/errors/app.exception';
import type { Tx } from '../common/database/transaction';
import { DEFAULT_ROLE_POLICIES, DEFAULT_TENANT_ROLES, ROLE_NAME, groupSubject, roleSubject, userSubject } from './access.constants';
import { AccessSyncService } from './access-sync.service';
import { CasbinRuleRepository, NewPolicy } from './casbin-rule.repository';
import { TenantEnforcers } from './tenant-enforcers';
import { TenantPolicy } from './tenant-policy';

export { DEFAULT_TENANT_ROLES } from './access.constants';

/**
 * Authorization for the rest of the application: the guard's question and the
 * role and group links other modules keep in step with their own data.
 *
 * The `tx` methods write inside the caller's transaction; the in-memory
 * enforcers (here and on every other node) are rebuilt only after it commits.
 * They write no audit entry: the calling module records its own action
 * (`user.update`, `group.member.add`, ...), which these links are part of.
 *
 * `enforce` and `getUserRoles` without `tx` answer from memory and may load a
 * tenant on a connection of their own: call them outside transactions.
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
  async seedTenant(tx: Tx, tenantId: string): Promise<void> {
    await this.rules.lockTenant(tx.manager, tenantId);
    for (const role of DEFAULT_TENANT_ROLES) {
      if (!(await this.rules.roleExists(tx.manager, tenantId, role))) await this.rules.insertRole(tx.manager, tenantId, role, true);
      const policies: NewPolicy[] = DEFAULT_ROLE_POLICIES[role].map(([object, action]) => ({ subject: roleSubject(role), object, action, effect: 'allow' }));
      await this.rules.insertMissingPolicies(tx.manager, tenantId, policies);
    }
    this.sync.afterCommit(tx, tenantId);
  }

  /** Replaces the roles the user holds directly in the tenant with `role` (a name without `role:`). */
  async setUserRole(tx: Tx, tenantId: string, userId: string, role: string): Promise<void> {
    await this.rules.lockTenant(tx.manager, tenantId);
    if (!ROLE_NAME.test(role) || !(await this.rules.roleExists(tx.manager, tenantId, role))) {
      throw AppException.invalidField('role', `role "${role}" does not exist in this tenant`, 'unknownRole');
    }
    const subject = userSubject(userId);
    await this.rules.deleteDirectRoleLinks(tx.manager, tenantId, subject);
    await this.rules.insertLink(tx.manager, tenantId, subject, roleSubject(role));
    this.sync.afterCommit(tx, tenantId);
  }

  /**
   * Role names (without `role:`) the user holds in the tenant, directly or through its groups.
   * Inside a transaction pass `tx`: the answer then includes the transaction's own uncommitted
   * changes, and no second connection is taken (which transaction() refuses, and which would
   * deadlock on the embedded database). Without `tx`, the committed rules from memory.
   */
  async getUserRoles(tenantId: string, userId: string, tx?: Tx): Promise<string[]> {
    const policy = tx ? await TenantPolicy.build(tenantId, await this.rules.loadTenantRules(tenantId, tx.manager)) : await this.enforcers.get(tenantId);
    return policy.roleNames(userSubject(userId));
  }

  async addGroupMember(tx: Tx, tenantId: string, groupId: string, userId: string): Promise<void> {
    await this.rules.lockTenant(tx.manager, tenantId);
    const member = userSubject(userId);
    const group = groupSubject(groupId);
    if (await this.rules.findLink(tx.manager, tenantId, member, group)) return;
    await this.rules.insertLink(tx.manager, tenantId, member, group);
    this.sync.afterCommit(tx, tenantId);
  }

  async removeGroupMember(tx: Tx, tenantId: string, groupId: string, userId: string): Promise<void> {
    await this.rules.lockTenant(tx.manager, tenantId);
    if (await this.rules.deleteLink(tx.manager, tenantId, userSubject(userId), groupSubject(groupId))) this.sync.afterCommit(tx, tenantId);
  }

  /** Drops the group's memberships, its roles and the policies whose subject is the group. */
  async removeGroup(tx: Tx, tenantId: string, groupId: string): Promise<void> {
    await this.removeSubject(tx, tenantId, groupSubject(groupId));
  }

  /** Drops the user's roles, group memberships and the policies whose subject is the user. */
  async removeUser(tx: Tx, tenantId: string, userId: string): Promise<void> {
    await this.removeSubject(tx, tenantId, userSubject(userId));
  }

  private async removeSubject(tx: Tx, tenantId: string, subject: string): Promise<void> {
    await this.rules.lockTenant(tx.manager, tenantId);
    await this.rules.deleteLinksOf(tx.manager, tenantId, subject);
    await this.rules.deletePoliciesOfSubject(tx.manager, tenantId, subject);
    this.sync.afterCommit(tx, tenantId);
  }
}
