import { Enforcer, FunctionMap, newEnforcerWithClass, newModelFromString } from 'casbin';
import { PolicyEffect, ROLE_PREFIX } from './access.constants';

/**
 * RBAC with domains, deny wins. The domain is the tenant id; subjects are
 * `user:<id>`, `group:<id>` and `role:<name>`; `g` links a user to a group or a
 * role and a group to a role, always inside one domain. A policy's object or
 * action may be `*`. The matcher tests object and action before the role graph:
 * most rules fail there, and the cheap tests short-circuit the costly `g()`.
 */
export const CASBIN_MODEL = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act, eft

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = (p.obj == "*" || r.obj == p.obj) && (p.act == "*" || r.act == p.act) && r.dom == p.dom && g(r.sub, p.sub, r.dom)
`;

/** A `p` rule of one tenant, as stored (casbin_rule.id is its id). */
export interface PolicyRule {
  readonly id: number;
  readonly subject: string;
  readonly object: string;
  readonly action: string;
  readonly effect: PolicyEffect;
}

/** A `g` link of one tenant: `member` (user or group) inherits `parent` (group or role). */
export interface RoleLink {
  readonly id: number;
  readonly member: string;
  readonly parent: string;
}

export interface TenantRules {
  readonly policies: readonly PolicyRule[];
  readonly links: readonly RoleLink[];
}

export interface Decision {
  readonly allowed: boolean;
  /** The rule that decided: the deny when a deny won, else the allow; null when nothing matched. */
  readonly rule: PolicyRule | null;
}

let builds = 0;

/**
 * Casbin copies every registered matcher function (keyMatch, regexMatch, ...)
 * into the evaluation context of every rule on every request. Our matcher uses
 * none of them, only `g`, which Casbin adds separately: dropping them halves the cost of a decision.
 */
class TenantEnforcer extends Enforcer {
  withoutBuiltInFunctions(): this {
    this.fm = new FunctionMap();
    return this;
  }
}

const ruleKey = (subject: string, object: string, action: string, effect: string): string => `${subject}\u0000${object}\u0000${action}\u0000${effect}`;

/**
 * One tenant's policies in a Casbin enforcer of their own: a request is matched
 * against this tenant's rules only, so the cost does not grow with the number of tenants.
 */
export class TenantPolicy {
  /** Unique per build: a decision cached for one build never answers for a later one. */
  readonly generation = ++builds;

  private constructor(
    readonly tenantId: string,
    private readonly enforcer: Enforcer,
    private readonly byKey: ReadonlyMap<string, PolicyRule>,
  ) {}

  static async build(tenantId: string, rules: TenantRules): Promise<TenantPolicy> {
    const enforcer = (await newEnforcerWithClass(TenantEnforcer, newModelFromString(CASBIN_MODEL))).withoutBuiltInFunctions();
    enforcer.enableAutoSave(false);
    const byKey = new Map<string, PolicyRule>();
    const model = enforcer.getModel();
    for (const rule of rules.policies) {
      const key = ruleKey(rule.subject, rule.object, rule.action, rule.effect);
      if (byKey.has(key)) continue; // Casbin refuses a batch holding a duplicate
      byKey.set(key, rule);
    }
    if (byKey.size > 0) {
      model.addPolicies('p', 'p', [...byKey.values()].map((r) => [r.subject, tenantId, r.object, r.action, r.effect]));
    }
    const links = new Map<string, string[]>();
    for (const link of rules.links) links.set(`${link.member}\u0000${link.parent}`, [link.member, link.parent, tenantId]);
    if (links.size > 0) model.addPolicies('g', 'g', [...links.values()]);
    await enforcer.buildRoleLinks();
    return new TenantPolicy(tenantId, enforcer, byKey);
  }

  /** May `subject` do `action` on `object` in this tenant? */
  enforce(subject: string, object: string, action: string): boolean {
    return this.enforcer.enforceSync(subject, this.tenantId, object, action);
  }

  /** The decision and the rule that made it. */
  explain(subject: string, object: string, action: string): Decision {
    const [allowed, explained] = this.enforcer.enforceExSync(subject, this.tenantId, object, action);
    const [sub, , obj, act, eft] = explained;
    const rule = explained.length >= 5 ? (this.byKey.get(ruleKey(sub, obj, act, eft)) ?? null) : null;
    return { allowed, rule };
  }

  /** Every role and group `subject` holds, directly or inherited, with their prefixes. */
  async inheritedSubjects(subject: string): Promise<string[]> {
    return this.enforcer.getImplicitRolesForUser(subject, this.tenantId);
  }

  /** The users (`user:<id>`) holding `role` (with its `role:` prefix), directly or through groups. */
  async usersInRole(role: string): Promise<string[]> {
    const holders = await this.enforcer.getImplicitUsersForRole(role, this.tenantId);
    return [...new Set(holders.filter((s) => s.startsWith('user:')))].sort();
  }

  /** Role names (without `role:`) `subject` holds, directly or through groups. */
  async roleNames(subject: string): Promise<string[]> {
    const inherited = await this.inheritedSubjects(subject);
    return [...new Set(inherited.filter((s) => s.startsWith(ROLE_PREFIX)).map((s) => s.slice(ROLE_PREFIX.length)))].sort();
  }
}
