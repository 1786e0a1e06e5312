import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { Counter, Registry } from 'prom-client';
import { isRedisReady } from '../redis/redis.module';
import { withDeadline } from '../redis/with-deadline';
import { MemoryThrottlerStorage } from './memory-throttler.storage';

type ThrottlerRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * How long a request waits for the shared counter before it is counted in process instead. A
 * healthy Redis answers in a millisecond; this bounds the wait when the connection looks ready
 * but Redis does not answer (a network that drops packets, a Redis that hangs).
 */
export const SHARED_DECISION_TIMEOUT_MS = 300;

/**
 * The rate-limit storage with REDIS_URL: counters in Redis, shared by every node, while Redis is
 * there, and per node in memory (MemoryThrottlerStorage) while it is not. A rate limit must not take
 * the API down with Redis: without this every request failed (500) or hung for as long as ioredis
 * kept the command queued (its offline queue and three retries: 1 to 8 s).
 *
 * - the connection is not `ready` (lost, reconnecting): the request is counted in memory at once,
 *   nothing is queued on the shared connection;
 * - the command fails or takes longer than SHARED_DECISION_TIMEOUT_MS: the same, for this request.
 *
 * Each node then allows the limit by itself, so the cluster allows up to nodes x limit per window;
 * the in-memory windows start empty. The first decision in memory logs one warning, the first
 * shared one after it one line; `rate_limit_degraded_decisions_total` counts the rest.
 */
export class FallbackThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private readonly local = new MemoryThrottlerStorage();
  private degradedSince: number | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly shared: ThrottlerStorage,
    private readonly degradedDecisions: Counter<'limiter'>,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerRecord> {
    if (isRedisReady(this.redis)) {
      try {
        const record = await withDeadline(this.shared.increment(key, ttl, limit, blockDuration, throttlerName), SHARED_DECISION_TIMEOUT_MS);
        this.sharedAgain();
        return record;
      } catch (err) {
        this.degraded(err);
      }
    } else {
      this.degraded(new Error(`the connection is ${this.redis.status}`));
    }
    return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  private degraded(cause: unknown): void {
    this.degradedDecisions.inc({ limiter: 'http' });
    if (this.degradedSince !== undefined) return;
    this.degradedSince = Date.now();
    const error = cause instanceof Error ? cause.message : String(cause);
    this.logger.warn({ msg: 'Redis unavailable: HTTP rate limits are counted per node until it is back', error });
  }

  private sharedAgain(): void {
    if (this.degradedSince === undefined) return;
    this.logger.log({ msg: 'Redis is back: HTTP rate limits are shared again', degradedMs: Date.now() - this.degradedSince });
    this.degradedSince = undefined;
  }
}

/** Creates the counter of rate-limit decisions taken in memory because Redis was unavailable. */
export function degradedDecisionsCounter(registry: Registry): Counter<'limiter'> {
  return new Counter({
    name: 'rate_limit_degraded_decisions_total',
    help: 'Rate-limit decisions counted in this node only because Redis was unavailable, by limiter.',
    labelNames: ['limiter'] as const,
    registers: [registry],
  });
}
