import { Injectable, Logger } from '@nestjs/common';
import { Transactions } from '../common/database/transactions';
import { CasbinRuleRepository } from './casbin-rule.repository';
import { LruMap } from './lru-map';
import { TenantPolicy } from './tenant-policy';

/** Tenants whose enforcer stays in memory; the least recently used one is dropped past this. */
export const ENFORCER_CACHE_TENANTS = 2_000;
/** Decisions remembered across all tenants (a few MiB); the least recently used one is dropped past this. */
export const DECISION_CACHE_ENTRIES = 100_000;

/**
 * One Casbin enforcer per tenant, loaded on first use from that tenant's rows
 * only, kept in an LRU, and rebuilt when the tenant's policies change.
 *
 * Casbin evaluates its matcher once per rule of the tenant (about 1.5 µs each),
 * so decisions are remembered too, keyed by the enforcer's build: a rebuilt
 * tenant never sees a decision of its previous rules.
 */
@Injectable()
export class TenantEnforcers {
  private readonly logger = new Logger(TenantEnforcers.name);
  private readonly cache = new LruMap<string, TenantPolicy>(ENFORCER_CACHE_TENANTS);
  /** Loads in flight: concurrent requests of a cold tenant share one query. */
  private readonly loading = new Map<string, Promise<TenantPolicy>>();
  private readonly decisions = new LruMap<string, boolean>(DECISION_CACHE_ENTRIES);

  constructor(
    private readonly rules: CasbinRuleRepository,
    private readonly transactions: Transactions,
  ) {}

  /**
   * The tenant's policy, from memory or loaded now. Inside a transaction it is built from the
   * transaction's view of the rules (its own uncommitted changes included) and not kept: the
   * cache holds committed rules only.
   */
  get(tenantId: string): Promise<TenantPolicy> {
    if (this.transactions.active) return this.rules.loadTenantRules(tenantId).then((rules) => TenantPolicy.build(tenantId, rules));
    const cached = this.cache.get(tenantId);
    if (cached) return Promise.resolve(cached);
    return this.loading.get(tenantId) ?? this.load(tenantId);
  }

  /** May `subject` do `action` on `object` in the tenant? */
  async enforce(tenantId: string, subject: string, object: string, action: string): Promise<boolean> {
    const policy = await this.get(tenantId);
    const key = `${policy.generation}\u0000${subject}\u0000${object}\u0000${action}`;
    const known = this.decisions.get(key);
    if (known !== undefined) return known;
    const allowed = policy.enforce(subject, object, action);
    this.decisions.set(key, allowed);
    return allowed;
  }

  /**
   * The tenant's rules changed: drop its enforcer. A load that started before
   * the change is not cached; a tenant that was in memory is reloaded at once.
   */
  refresh(tenantId: string): void {
    const wasCached = this.cache.delete(tenantId);
    const wasLoading = this.loading.delete(tenantId);
    const wasLoaded = wasCached || wasLoading;
    if (wasLoaded) {
      this.load(tenantId).catch((err: unknown) => this.logger.warn({ msg: 'policy reload failed', tenantId, err }));
    }
  }

  /** Drops every enforcer (after a lost connection to the other nodes, changes may have been missed). */
  clear(): void {
    this.cache.clear();
    this.loading.clear();
    this.decisions.clear();
  }

  get loadedTenants(): number {
    return this.cache.size;
  }

  private load(tenantId: string): Promise<TenantPolicy> {
    const promise = this.rules.loadTenantRules(tenantId).then((rules) => TenantPolicy.build(tenantId, rules));
    this.loading.set(tenantId, promise);
    const settle = () => {
      if (this.loading.get(tenantId) === promise) this.loading.delete(tenantId);
    };
    promise.then(
      (policy) => {
        // Only the newest load of a tenant may fill the cache: an older one may predate a change.
        if (this.loading.get(tenantId) === promise) this.cache.set(tenantId, policy);
        settle();
      },
      settle,
    );
    return promise;
  }
}
