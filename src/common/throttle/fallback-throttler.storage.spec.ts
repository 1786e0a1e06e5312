import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { Registry } from 'prom-client';
import { FallbackThrottlerStorage, SHARED_DECISION_TIMEOUT_MS, degradedDecisionsCounter } from './fallback-throttler.storage';

const SHARED_RECORD = { totalHits: 7, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 };

function setUp(status: string, increment: ThrottlerStorage['increment']) {
  const registry = new Registry();
  const storage = new FallbackThrottlerStorage({ status } as Redis, { increment }, degradedDecisionsCounter(registry));
  const degraded = async () => (await registry.getSingleMetric('rate_limit_degraded_decisions_total')!.get()).values[0]?.value ?? 0;
  const hit = () => storage.increment('1.2.3.4', 60_000, 2, 0, 'default');
  return { hit, degraded };
}

describe('FallbackThrottlerStorage', () => {
  it('uses the shared counter while the connection is ready', async () => {
    const { hit, degraded } = setUp('ready', async () => SHARED_RECORD);
    expect(await hit()).toEqual(SHARED_RECORD);
    expect(await degraded()).toBe(0);
  });

  it('counts in memory, without asking Redis, while the connection is not ready', async () => {
    const shared = jest.fn(async () => SHARED_RECORD);
    const { hit, degraded } = setUp('reconnecting', shared);
    expect((await hit()).totalHits).toBe(1);
    expect(await hit()).toMatchObject({ totalHits: 2, isBlocked: false });
    expect(await hit()).toMatchObject({ totalHits: 3, isBlocked: true });
    expect(shared).not.toHaveBeenCalled();
    expect(await degraded()).toBe(3);
  });

  it('counts in memory when Redis fails or does not answer in time', async () => {
    const failing = setUp('ready', () => Promise.reject(new Error('boom')));
    expect((await failing.hit()).totalHits).toBe(1);
    const silent = setUp('ready', () => new Promise(() => undefined));
    const started = Date.now();
    expect((await silent.hit()).totalHits).toBe(1);
    expect(Date.now() - started).toBeLessThan(SHARED_DECISION_TIMEOUT_MS + 200);
    expect(await silent.degraded()).toBe(1);
  });
});
