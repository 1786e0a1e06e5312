/** Domain events of the tenants module (see DomainEventMap). */

export interface TenantRef {
  tenantId: string;
}

declare module '../common/events/domain-events' {
  interface DomainEventMap {
    /** A platform admin disabled the tenant: none of its users may act any more. */
    'tenant.disabled': TenantRef;
  }
}
