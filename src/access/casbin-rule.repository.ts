import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Transactions } from '../common/database/transactions';
import { PolicyEffect, ROLE_PREFIX } from './access.constants';
import { CasbinRuleEntity } from './entities/casbin-rule.entity';
import type { PolicyRule, RoleLink, TenantRules } from './tenant-policy';

/**
 * Row layout of `casbin_rule` (docs/authorization.md): the tenant is always in v1,
 * so one index (ptype, v1) serves every per-tenant query.
 *   p     v0 subject, v1 tenant, v2 object, v3 action, v4 effect
 *   g     v0 member (user/group), v1 tenant, v2 parent (group/role)
 *   role  v0 `role:<name>`, v1 tenant, v2 `built-in` | `custom`  (a role exists even with no rules)
 */
const P = 'p';
const G = 'g';
const ROLE = 'role';
const BUILT_IN = 'built-in';
const CUSTOM = 'custom';

export interface PolicyFilter {
  subject?: string;
  object?: string;
  effect?: PolicyEffect;
}

export interface NewPolicy {
  subject: string;
  object: string;
  action: string;
  effect: PolicyEffect;
}

export interface RoleRow {
  /** Without the `role:` prefix. */
  name: string;
  builtIn: boolean;
  policies: number;
  members: number;
}

const toPolicyRule = (row: CasbinRuleEntity): PolicyRule => ({
  id: row.id,
  subject: row.v0 ?? '',
  object: row.v2 ?? '',
  action: row.v3 ?? '',
  effect: row.v4 === 'deny' ? 'deny' : 'allow',
});
const toRoleLink = (row: CasbinRuleEntity): RoleLink => ({ id: row.id, member: row.v0 ?? '', parent: row.v2 ?? '' });

/** SQL on `casbin_rule`, every query scoped to one tenant, in the caller's transaction when one is open. */
@Injectable()
export class CasbinRuleRepository {
  constructor(private readonly transactions: Transactions) {}

  private get manager(): EntityManager {
    return this.transactions.manager;
  }

  private rules() {
    return this.manager.createQueryBuilder(CasbinRuleEntity, 'r');
  }

  /**
   * Serializes policy writes of one tenant until the transaction ends, so that
   * "check, then insert" cannot race another writer into a duplicate.
   */
  async lockTenant(tenantId: string): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock(1129530178, hashtext($1))', [tenantId]);
  }

  /** Everything the enforcer of one tenant needs: its `p` rules and `g` links. */
  async loadTenantRules(tenantId: string): Promise<TenantRules> {
    const rows = await this.rules().where('r.ptype IN (:...types) AND r.v1 = :tenantId', { types: [P, G], tenantId }).orderBy('r.id').getMany();
    return {
      policies: rows.filter((r) => r.ptype === P).map(toPolicyRule),
      links: rows.filter((r) => r.ptype === G).map(toRoleLink),
    };
  }

  // ---- p rules --------------------------------------------------------------------------------

  /** A page of the tenant's policies in id order, after `afterId`: `limit + 1` rows. */
  async findPoliciesPage(tenantId: string, filter: PolicyFilter, afterId: number | undefined, limit: number): Promise<PolicyRule[]> {
    const qb = this.rules().where('r.ptype = :p AND r.v1 = :tenantId', { p: P, tenantId });
    if (filter.subject) qb.andWhere('r.v0 = :subject', { subject: filter.subject });
    if (filter.object) qb.andWhere('r.v2 = :object', { object: filter.object });
    if (filter.effect) qb.andWhere('r.v4 = :effect', { effect: filter.effect });
    if (afterId !== undefined) qb.andWhere('r.id > :afterId', { afterId });
    const rows = await qb.orderBy('r.id', 'ASC').limit(limit + 1).getMany();
    return rows.map(toPolicyRule);
  }

  async findPolicyById(tenantId: string, id: number): Promise<PolicyRule | null> {
    const row = await this.rules().where('r.ptype = :p AND r.v1 = :tenantId AND r.id = :id', { p: P, tenantId, id }).getOne();
    return row ? toPolicyRule(row) : null;
  }

  async findSamePolicy(tenantId: string, rule: NewPolicy): Promise<PolicyRule | null> {
    const row = await this.rules()
      .where('r.ptype = :p AND r.v1 = :tenantId AND r.v0 = :subject AND r.v2 = :object AND r.v3 = :action AND r.v4 = :effect', {
        p: P,
        tenantId,
        ...rule,
      })
      .getOne();
    return row ? toPolicyRule(row) : null;
  }

  async insertPolicy(tenantId: string, rule: NewPolicy): Promise<PolicyRule> {
    const result = await this.manager.insert(CasbinRuleEntity, { ptype: P, v0: rule.subject, v1: tenantId, v2: rule.object, v3: rule.action, v4: rule.effect });
    const id = (result.identifiers[0] as { id: number }).id;
    return { id, ...rule };
  }

  /** Inserts the rules the tenant does not have yet; returns how many were added. */
  async insertMissingPolicies(tenantId: string, rules: NewPolicy[]): Promise<number> {
    let added = 0;
    for (const rule of rules) {
      if (await this.findSamePolicy(tenantId, rule)) continue;
      await this.insertPolicy(tenantId, rule);
      added++;
    }
    return added;
  }

  async deletePolicyById(tenantId: string, id: number): Promise<boolean> {
    const result = await this.rules().delete().where('ptype = :p AND v1 = :tenantId AND id = :id', { p: P, tenantId, id }).execute();
    return (result.affected ?? 0) > 0;
  }

  /** Deletes the deny rules whose subject is `subject`; returns them. */
  async deleteDenyPoliciesOfSubject(tenantId: string, subject: string): Promise<PolicyRule[]> {
    const where = { p: P, tenantId, subject, deny: 'deny' };
    const denies = await this.rules().where('r.ptype = :p AND r.v1 = :tenantId AND r.v0 = :subject AND r.v4 = :deny', where).orderBy('r.id').getMany();
    await this.rules().delete().where('ptype = :p AND v1 = :tenantId AND v0 = :subject AND v4 = :deny', where).execute();
    return denies.map(toPolicyRule);
  }

  async deletePoliciesOfSubject(tenantId: string, subject: string): Promise<number> {
    const result = await this.rules().delete().where('ptype = :p AND v1 = :tenantId AND v0 = :subject', { p: P, tenantId, subject }).execute();
    return result.affected ?? 0;
  }

  // ---- g links --------------------------------------------------------------------------------

  async findLink(tenantId: string, member: string, parent: string): Promise<RoleLink | null> {
    const row = await this.rules()
      .where('r.ptype = :g AND r.v1 = :tenantId AND r.v0 = :member AND r.v2 = :parent', { g: G, tenantId, member, parent })
      .getOne();
    return row ? toRoleLink(row) : null;
  }

  async insertLink(tenantId: string, member: string, parent: string): Promise<RoleLink> {
    const result = await this.manager.insert(CasbinRuleEntity, { ptype: G, v0: member, v1: tenantId, v2: parent });
    return { id: (result.identifiers[0] as { id: number }).id, member, parent };
  }

  async deleteLink(tenantId: string, member: string, parent: string): Promise<boolean> {
    const result = await this.rules()
      .delete()
      .where('ptype = :g AND v1 = :tenantId AND v0 = :member AND v2 = :parent', { g: G, tenantId, member, parent })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Removes the roles `member` holds directly (not its group memberships). */
  async deleteDirectRoleLinks(tenantId: string, member: string): Promise<void> {
    await this.rules()
      .delete()
      .where('ptype = :g AND v1 = :tenantId AND v0 = :member AND v2 LIKE :roles', { g: G, tenantId, member, roles: `${ROLE_PREFIX}%` })
      .execute();
  }

  /** Removes every link in which `subject` is the member or the parent. */
  async deleteLinksOf(tenantId: string, subject: string): Promise<void> {
    await this.rules()
      .delete()
      .where('ptype = :g AND v1 = :tenantId AND (v0 = :subject OR v2 = :subject)', { g: G, tenantId, subject })
      .execute();
  }

  /** A page of the members holding `parent` directly, in id order after `afterId`: `limit + 1` rows. */
  async findLinksToPage(tenantId: string, parent: string, afterId: number | undefined, limit: number): Promise<RoleLink[]> {
    const qb = this.rules().where('r.ptype = :g AND r.v1 = :tenantId AND r.v2 = :parent', { g: G, tenantId, parent });
    if (afterId !== undefined) qb.andWhere('r.id > :afterId', { afterId });
    const rows = await qb.orderBy('r.id', 'ASC').limit(limit + 1).getMany();
    return rows.map(toRoleLink);
  }

  // ---- role definitions -----------------------------------------------------------------------

  /** The tenant's roles with how many policies name them and how many subjects hold them directly. */
  async findRoles(tenantId: string): Promise<RoleRow[]> {
    const rows: Array<{ subject: string; kind: string; policies: string | number; members: string | number }> = await this.manager.query(
      `SELECT r.v0 AS subject, r.v2 AS kind,
              (SELECT count(*) FROM casbin_rule p WHERE p.ptype = $2 AND p.v1 = r.v1 AND p.v0 = r.v0) AS policies,
              (SELECT count(*) FROM casbin_rule g WHERE g.ptype = $3 AND g.v1 = r.v1 AND g.v2 = r.v0) AS members
         FROM casbin_rule r
        WHERE r.ptype = $4 AND r.v1 = $1
        ORDER BY r.v0`,
      [tenantId, P, G, ROLE],
    );
    return rows.map((r) => ({
      name: r.subject.slice(ROLE_PREFIX.length),
      builtIn: r.kind === BUILT_IN,
      policies: Number(r.policies),
      members: Number(r.members),
    }));
  }

  async findRole(tenantId: string, name: string): Promise<RoleRow | null> {
    const roles = await this.findRoles(tenantId);
    return roles.find((r) => r.name === name) ?? null;
  }

  async roleExists(tenantId: string, name: string): Promise<boolean> {
    const count = await this.rules()
      .where('r.ptype = :role AND r.v1 = :tenantId AND r.v0 = :subject', { role: ROLE, tenantId, subject: `${ROLE_PREFIX}${name}` })
      .getCount();
    return count > 0;
  }

  async countRoles(tenantId: string): Promise<number> {
    return this.rules().where('r.ptype = :role AND r.v1 = :tenantId', { role: ROLE, tenantId }).getCount();
  }

  async insertRole(tenantId: string, name: string, builtIn: boolean): Promise<void> {
    await this.manager.insert(CasbinRuleEntity, { ptype: ROLE, v0: `${ROLE_PREFIX}${name}`, v1: tenantId, v2: builtIn ? BUILT_IN : CUSTOM });
  }

  /** Removes the role, the policies naming it and every link to it. */
  async deleteRoleAndItsRules(tenantId: string, name: string): Promise<void> {
    const subject = `${ROLE_PREFIX}${name}`;
    await this.rules()
      .delete()
      .where('v1 = :tenantId AND ((ptype IN (:...owned) AND v0 = :subject) OR (ptype = :g AND v2 = :subject))', {
        tenantId,
        owned: [ROLE, P],
        g: G,
        subject,
      })
      .execute();
  }
}
