import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  hits: number;
  /** When the window ends (epoch ms). */
  endsAt: number;
  /** When a block ends (epoch ms), 0 when none. */
  blockedUntil: number;
}

/** How often windows that ended are dropped. */
const SWEEP_MS = 60_000;

/**
 * The in-process rate-limit storage (one node, no REDIS_URL): a fixed-window counter per key and
 * throttler, O(1) per request, with the same semantics as RedisThrottlerStorage. It replaces
 * @nestjs/throttler's default storage, which keeps one timestamp per hit and filters them all on
 * every request: O(requests in the window) for a busy address.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private nextSweep = Date.now() + SWEEP_MS;

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const now = Date.now();
    if (now >= this.nextSweep) this.sweep(now);
    const id = `${throttlerName}:${key}`;
    let window = this.windows.get(id);
    if (window && window.blockedUntil > now) {
      return { totalHits: limit + 1, timeToExpire: seconds(window.endsAt - now), isBlocked: true, timeToBlockExpire: seconds(window.blockedUntil - now) };
    }
    if (!window || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, window);
    }
    window.hits += 1;
    const over = window.hits > limit;
    if (over && blockDuration > 0) window.blockedUntil = now + blockDuration;
    return {
      totalHits: window.hits,
      timeToExpire: seconds(window.endsAt - now),
      isBlocked: over,
      timeToBlockExpire: over && blockDuration > 0 ? seconds(blockDuration) : 0,
    };
  }

  private sweep(now: number): void {
    for (const [id, window] of this.windows) if (window.endsAt <= now && window.blockedUntil <= now) this.windows.delete(id);
    this.nextSweep = now + SWEEP_MS;
  }
}

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));
