import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { Gauge } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { MetricsModule } from '../metrics/metrics.module';
import { MetricsService } from '../metrics/metrics.service';

/** The shared Redis connection, or null when REDIS_URL is unset (single node). */
export const REDIS = Symbol('REDIS');
export type RedisClient = Redis;

/** Whether a connection can run a command now: anything but `ready` queues it until Redis is back, or fails it. */
export const isRedisReady = (client: Redis): boolean => client.status === 'ready';

export function createRedisClient(url: string, name: string): Redis {
  const client = new Redis(url, { connectionName: name, maxRetriesPerRequest: 3, enableAutoPipelining: true });
  logConnectionOutages(client, name);
  return client;
}

/**
 * Logs a lost connection once and its return once. ioredis reports an error on every reconnection
 * attempt (several a second at first, then every 2 s), which would flood the log during an outage;
 * `reconnecting` comes only when a connection it wants was lost (never on quit()). Every connection
 * needs it, duplicates too (`duplicate()` does not copy listeners): without an `error` listener
 * ioredis prints each error to stderr.
 */
export function logConnectionOutages(client: Redis, name: string): void {
  const logger = new Logger('Redis');
  let lastError: string | undefined;
  let lostAt: number | undefined;
  client.on('error', (err: Error) => {
    lastError = err.message;
  });
  client.on('reconnecting', () => {
    if (lostAt !== undefined) return;
    lostAt = Date.now();
    logger.warn({ msg: 'redis connection lost; reconnecting (logged again once it is back)', connection: name, error: lastError });
  });
  client.on('ready', () => {
    lastError = undefined;
    if (lostAt === undefined) return;
    logger.log({ msg: 'redis connection is back', connection: name, downMs: Date.now() - lostAt });
    lostAt = undefined;
  });
}

@Global()
@Module({
  imports: [MetricsModule],
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig): Redis | null =>
        config.env.REDIS_URL ? createRedisClient(config.env.REDIS_URL, 'collab-backend') : null,
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null, metrics: MetricsService) {
    if (redis) registerRedisUpGauge(redis, metrics);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis && this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}

function registerRedisUpGauge(redis: Redis, metrics: MetricsService): void {
  new Gauge({
    name: 'redis_up',
    help: 'Whether the shared Redis connection of this node is ready (1) or not (0). Only with REDIS_URL.',
    registers: [metrics.registry],
    collect() {
      this.set(isRedisReady(redis) ? 1 : 0);
    },
  });
}
