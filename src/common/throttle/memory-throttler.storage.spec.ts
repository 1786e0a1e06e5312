import { MemoryThrottlerStorage } from './memory-throttler.storage';

describe('MemoryThrottlerStorage', () => {
  afterEach(() => jest.useRealTimers());

  it('counts hits in a fixed window per key and throttler, and starts over when it ends', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const storage = new MemoryThrottlerStorage();
    const hit = () => storage.increment('1.2.3.4', 60_000, 2, 0, 'default');
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    expect((await hit()).isBlocked).toBe(false);
    expect(await hit()).toMatchObject({ totalHits: 3, isBlocked: true });
    expect((await storage.increment('1.2.3.4', 60_000, 2, 0, 'auth')).totalHits).toBe(1);
    expect((await storage.increment('5.6.7.8', 60_000, 2, 0, 'default')).totalHits).toBe(1);
    jest.setSystemTime(1_000_000 + 30_000);
    expect(await hit()).toMatchObject({ totalHits: 4, timeToExpire: 30 });
    jest.setSystemTime(1_000_000 + 60_000);
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('blocks for blockDuration once over the limit', async () => {
    jest.useFakeTimers({ now: 0 });
    const storage = new MemoryThrottlerStorage();
    const hit = () => storage.increment('k', 1_000, 1, 5_000, 'default');
    await hit();
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 5 });
    jest.setSystemTime(2_000); // the window ended, the block did not
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 3 });
    jest.setSystemTime(5_000);
    expect(await hit()).toMatchObject({ isBlocked: false, totalHits: 1 });
  });
});
