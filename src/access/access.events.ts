/** Domain events of the access module (see DomainEventMap). */

/** The tenant whose rules changed. */
export interface RulesChanged {
  tenantId: string;
}

declare module '../common/events/domain-events' {
  interface DomainEventMap {
    /**
     * A tenant's Casbin rules changed and committed: a policy, a role, a role assignment (a user's
     * tenant role) or a group membership. Published once, on the node that made the change, after
     * its enforcer was rebuilt; listeners check again what they granted under the old rules.
     */
    'access.rules-changed': RulesChanged;
  }
}
