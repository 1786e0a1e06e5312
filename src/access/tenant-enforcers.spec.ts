import type { Transactions } from '../common/database/transactions';
import type { CasbinRuleRepository } from './casbin-rule.repository';
import { TenantEnforcers } from './tenant-enforcers';
import type { TenantRules } from './tenant-policy';

const T = '11111111-1111-4111-8111-111111111111';
const U = 'user:22222222-2222-4222-8222-222222222222';
const allowRooms: TenantRules = { policies: [{ id: 1, subject: U, object: 'rooms', action: 'read', effect: 'allow' }], links: [] };
const nothing: TenantRules = { policies: [], links: [] };

/** Stands in for the repository: each load waits until the test releases it with the rules of its choice. */
class ControlledRules {
  readonly pending: Array<(rules: TenantRules) => void> = [];
  loads = 0;
  loadTenantRules(): Promise<TenantRules> {
    this.loads++;
    return new Promise((resolve) => this.pending.push(resolve));
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('TenantEnforcers', () => {
  let rules: ControlledRules;
  let enforcers: TenantEnforcers;

  beforeEach(() => {
    rules = new ControlledRules();
    // Outside any transaction: the cache is in play.
    const outsideTransactions = { active: false } as Pick<Transactions, 'active'>;
    enforcers = new TenantEnforcers(rules as unknown as CasbinRuleRepository, outsideTransactions as Transactions);
  });

  it('loads a tenant once for concurrent requests and then serves it from memory', async () => {
    const first = enforcers.enforce(T, U, 'rooms', 'read');
    const second = enforcers.enforce(T, U, 'rooms', 'read');
    rules.pending[0](allowRooms);
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(await enforcers.enforce(T, U, 'rooms', 'read')).toBe(true);
    expect(rules.loads).toBe(1);
  });

  it('never caches a load that started before a change, nor its decisions', async () => {
    const stale = enforcers.get(T);
    enforcers.refresh(T); // the rules changed while the first load was running: a new load starts
    expect(rules.loads).toBe(2);
    rules.pending[0](allowRooms); // the old load answers with the old rules...
    await stale;
    rules.pending[1](nothing); // ...and the new one with the current rules
    await flush();
    expect(await enforcers.enforce(T, U, 'rooms', 'read')).toBe(false);
    expect(rules.loads).toBe(2);
  });

  it('rebuilds a loaded tenant on refresh and forgets its decisions', async () => {
    const first = enforcers.enforce(T, U, 'rooms', 'read');
    rules.pending[0](allowRooms);
    expect(await first).toBe(true);
    enforcers.refresh(T);
    rules.pending[1](nothing);
    expect(await enforcers.enforce(T, U, 'rooms', 'read')).toBe(false);
  });

  it('leaves a tenant that is not in memory to be loaded on its next request', () => {
    enforcers.refresh(T);
    expect(rules.loads).toBe(0);
  });
});
