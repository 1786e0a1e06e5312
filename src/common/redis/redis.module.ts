import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/** The shared Redis connection, or null when REDIS_URL is unset (single node). */
export const REDIS = Symbol('REDIS');
export type RedisClient = Redis;

export function createRedisClient(url: string, name: string): Redis {
  const logger = new Logger('Redis');
  const client = new Redis(url, { connectionName: name, maxRetriesPerRequest: 3, enableAutoPipelining: true });
  client.on('error', (err: Error) => logger.warn({ msg: 'redis connection error', error: err.message }));
  return client;
}

@Global()
@Module({
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
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis && this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
