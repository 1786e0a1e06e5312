import { randomUUID } from 'node:crypto';
import { AccessService } from '../../src/access/access.service';
import { PoliciesService } from '../../src/access/policies.service';
import type { Principal } from '../../src/common/auth/principal';
import { Transactions } from '../../src/common/database/transactions';
import { RunningServer, startServer } from '../../src/server';
import { TestApp, startTestApp } from '../helpers/test-app';
import { testConfig } from '../helpers/test-env';

const withRedis = process.env.REDIS_URL ? describe : describe.skip;

/** Polls `probe` until it returns true; resolves with the time it took, or fails after `timeoutMs`. */
async function within(timeoutMs: number, probe: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (Date.now() - start <= timeoutMs) {
    if (await probe()) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`not true within ${timeoutMs} ms`);
}

withRedis('access across nodes (REDIS_URL)', () => {
  let a: TestApp;
  let b: RunningServer;

  beforeAll(async () => {
    const prefix = `test-casbin-${process.pid}-${Date.now()}:`;
    a = await startTestApp({ REDIS_KEY_PREFIX: prefix });
    // The second node: the same database and the same Redis key space.
    b = await startServer(testConfig({ DATABASE_URL: a.database.url, REDIS_KEY_PREFIX: prefix }));
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('enforces a policy added on node A on node B within a second', async () => {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const user: Principal = { tenantId, userId, role: 'user', via: 'access-token' };
    const accessA = a.app.get(AccessService);
    const accessB = b.app.get(AccessService);
    await a.app.get(Transactions).run(async () => {
      await accessA.seedTenant(tenantId);
      await accessA.setUserRole(tenantId, userId, 'guest');
    });
    // B has the tenant in memory before the change, so only the notification can update it.
    await within(1000, async () => accessB.enforce(user, 'rooms', 'read'));
    expect(await accessB.enforce(user, 'jobs', 'read')).toBe(false);

    await a.app.get(PoliciesService).create({ ...user, userId: randomUUID() }, { subject: 'role:guest', object: 'jobs', action: 'read', effect: 'allow' });
    const took = await within(1000, () => accessB.enforce(user, 'jobs', 'read'));
    expect(took).toBeLessThan(1000);

    await b.app.get(Transactions).run(() => accessB.removeUser(tenantId, userId));
    await within(1000, async () => !(await accessA.enforce(user, 'rooms', 'read')));
  });
});
