import { Injectable } from '@nestjs/common';
import { ACCESS_ACTIONS, ACCESS_OBJECTS } from '../common/auth/access-vocabulary';
import { PlatformAdmins, platformAdminProtected } from '../common/auth/platform-admins';
import type { Principal } from '../common/auth/principal';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { DEFAULT_ROLE_POLICIES, DEFAULT_TENANT_ROLES, ROLE_NAME, USER_PREFIX, groupSubject, roleSubject, userSubject } from './access.constants';
import { AccessSyncService } from './access-sync.service';
import { CasbinRuleRepository, NewPolicy } from './casbin-rule.repository';
import { TenantEnforcers } from './tenant-enforcers';
import type { PolicyRule } from './tenant-policy';

export { DEFAULT_TENANT_ROLES } from './access.constants';

/** Every [object, action] a request can ask for. */
const EVERY_RIGHT = ACCESS_OBJECTS.flatMap((object) => ACCESS_ACTIONS.map((action) => [object, action] as const));

/** The built-in role a tenant must not lose its last holder of. */
const ADMIN = 'admin';

export const lastAdmin = (): AppException =>
  AppException.conflict('The tenant would be left without an admin: make another user admin first.', 'last-admin');

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
    private readonly transactions: Transactions,
    private readonly rules: CasbinRuleRepository,
    private readonly enforcers: TenantEnforcers,
    private readonly sync: AccessSyncService,
    private readonly platformAdmins: PlatformAdmins,
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

  /**
   * Replaces the roles the user holds directly in the tenant with `role` (a name without `role:`).
   * 409 `last-admin` when that would leave the tenant, which had an admin, without one.
   */
  async setUserRole(tenantId: string, userId: string, role: string): Promise<void> {
    await this.transactions.run(async () => {
      await this.rules.lockTenant(tenantId);
      if (!ROLE_NAME.test(role) || !(await this.rules.roleExists(tenantId, role))) {
        throw AppException.invalidField('role', `role "${role}" does not exist in this tenant`, 'unknownRole');
      }
      const subject = userSubject(userId);
      await this.keepingAnAdmin(tenantId, role === ADMIN ? [] : [userId], async () => {
        await this.rules.deleteDirectRoleLinks(tenantId, subject);
        await this.rules.insertLink(tenantId, subject, roleSubject(role));
      });
      this.sync.afterCommit(tenantId);
    });
  }

  /** Whether the tenant has a role of that name (without `role:`). */
  async roleExists(tenantId: string, role: string): Promise<boolean> {
    return ROLE_NAME.test(role) && this.rules.roleExists(tenantId, role);
  }

  /** The users (ids) holding the tenant's `admin` role, directly or through groups. */
  async adminsOf(tenantId: string): Promise<string[]> {
    const policy = await this.enforcers.get(tenantId);
    return (await policy.usersInRole(roleSubject(ADMIN))).map((s) => s.slice(USER_PREFIX.length));
  }

  /**
   * Runs a change of the tenant's role links, inside the caller's transaction, and refuses it
   * (409 `last-admin`, rolling it back) when the tenant had an admin before and has none after.
   * `affected`: the users whose roles the change can lower; when none of them is an admin, the
   * check is skipped (an empty list: always skipped; undefined: always checked).
   */
  async keepingAnAdmin<T>(tenantId: string, affected: readonly string[] | undefined, change: () => Promise<T>): Promise<T> {
    return this.transactions.run(async () => {
      const before = await this.adminsOf(tenantId);
      if (before.length === 0 || (affected !== undefined && !affected.some((id) => before.includes(id)))) return change();
      const result = await change();
      if ((await this.adminsOf(tenantId)).length === 0) throw lastAdmin();
      return result;
    });
  }

  /**
   * Runs a change of the tenant's rules, inside the caller's transaction, and refuses it (403
   * `platform-admin-protected`, rolling it back) when `actor` is no platform admin and a platform
   * admin of the tenant can do less afterwards: a deny on a group or role they hold, a role or an
   * allow taken away. Platform admins may make any change.
   */
  async sparingPlatformAdmins<T>(actor: Principal, tenantId: string, change: () => Promise<T>): Promise<T> {
    if (actor.role === 'admin') return change();
    return this.transactions.run(async () => {
      const admins = await this.platformAdmins.idsIn(tenantId);
      if (admins.length === 0) return change();
      const before = await this.rightsOf(tenantId, admins);
      const result = await change();
      const after = await this.rightsOf(tenantId, admins);
      if (before.some((rights, i) => [...rights].some((right) => !after[i].has(right)))) {
        throw platformAdminProtected('The change would take rights from a platform admin: only platform admins may make it.');
      }
      return result;
    });
  }

  /** Refuses (403) a rule naming a platform admin of the tenant as its subject, unless `actor` is a platform admin. */
  async assertMayNameSubject(actor: Principal, tenantId: string, subject: string): Promise<void> {
    if (actor.role === 'admin' || !subject.startsWith(USER_PREFIX)) return;
    if ((await this.platformAdmins.idsIn(tenantId)).includes(subject.slice(USER_PREFIX.length))) {
      throw platformAdminProtected('Only platform admins may write rules naming a platform admin.');
    }
  }

  /**
   * The operator's recovery of a platform admin: the user holds the tenant's `admin` role again
   * (added beside its other roles) and the deny rules naming it are removed. Returns the removed
   * rules and the rights it still lacks afterwards (`object:action`, from denies on its groups or
   * roles, which the operator reviews). In the caller's transaction.
   */
  async restoreAdmin(tenantId: string, userId: string): Promise<{ removedDenies: PolicyRule[]; stillDenied: string[] }> {
    return this.transactions.run(async () => {
      await this.seedTenant(tenantId); // the admin role and its allow-everything rule, if they were removed
      const subject = userSubject(userId);
      if (!(await this.rules.findLink(tenantId, subject, roleSubject(ADMIN)))) await this.rules.insertLink(tenantId, subject, roleSubject(ADMIN));
      const removedDenies = await this.rules.deleteDenyPoliciesOfSubject(tenantId, subject);
      this.sync.afterCommit(tenantId);
      const [rights] = await this.rightsOf(tenantId, [userId]);
      const stillDenied = EVERY_RIGHT.map(([object, action]) => `${object}:${action}`).filter((right) => !rights.has(right));
      return { removedDenies, stillDenied };
    });
  }

  /** Every `object:action` each of `userIds` may do in the tenant (from the transaction's view inside one). */
  private async rightsOf(tenantId: string, userIds: readonly string[]): Promise<Array<Set<string>>> {
    const policy = await this.enforcers.get(tenantId);
    return userIds.map((id) => {
      return new Set(EVERY_RIGHT.filter(([object, action]) => policy.enforce(userSubject(id), object, action)).map(([object, action]) => `${object}:${action}`));
    });
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
    const removed = await this.keepingAnAdmin(tenantId, [userId], () => this.rules.deleteLink(tenantId, userSubject(userId), groupSubject(groupId)));
    if (removed) this.sync.afterCommit(tenantId);
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
    const affected = subject.startsWith(USER_PREFIX) ? [subject.slice(USER_PREFIX.length)] : undefined;
    await this.keepingAnAdmin(tenantId, affected, async () => {
      await this.rules.deleteLinksOf(tenantId, subject);
      await this.rules.deletePoliciesOfSubject(tenantId, subject);
    });
    this.sync.afterCommit(tenantId);
  }
}
