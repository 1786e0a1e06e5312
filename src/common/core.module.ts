import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule, seconds } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppConfig } from './config/app-config';
import { KeyRing, SecretBox } from './crypto/crypto';
import { DatabaseModule } from './database/database.module';
import { EgressModule } from './egress/egress.module';
import { ProblemFilter } from './errors/problem.filter';
import { EventsModule } from './events/events.module';
import { createValidationPipe } from './errors/validation';
import { HealthModule } from './health/health.module';
import { loggerParams } from './logging/logging';
import { MetricsModule } from './metrics/metrics.module';
import { MetricsService } from './metrics/metrics.service';
import { REDIS, RedisModule } from './redis/redis.module';
import { isAuthRateLimited } from './throttle/auth-rate-limit.decorator';
import { FallbackThrottlerStorage, degradedDecisionsCounter } from './throttle/fallback-throttler.storage';
import { HttpThrottlerGuard } from './throttle/http-throttler.guard';
import { MemoryThrottlerStorage } from './throttle/memory-throttler.storage';
import { THROTTLERS } from './throttle/rate-limit-headers';
import { RedisThrottlerStorage } from './throttle/redis-throttler.storage';

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: KeyRing, useFactory: () => new KeyRing(config.encryptionKey, config.previousEncryptionKeys) },
        // Secrets at rest, the most common use; other uses ask the KeyRing for their own box.
        { provide: SecretBox, inject: [KeyRing], useFactory: (keys: KeyRing) => keys.box('secrets-at-rest') },
      ],
      exports: [AppConfig, KeyRing, SecretBox],
    };
  }
}

/** Rate limits counted in Redis for every node, and per node while Redis is unavailable. */
function sharedThrottlerStorage(redis: Redis, config: AppConfig, metrics: MetricsService): FallbackThrottlerStorage {
  const shared = new RedisThrottlerStorage(redis, `${config.env.REDIS_KEY_PREFIX}throttle:`);
  return new FallbackThrottlerStorage(redis, shared, degradedDecisionsCounter(metrics.registry));
}

/**
 * The shared layer every domain module builds on: configuration, logging,
 * database and transactions, the domain event bus, Redis, rate limits, health,
 * metrics, the egress guard for outgoing requests, the global error filter and the validation pipe.
 */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, databaseUrl: string, logDestination?: DestinationStream): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config, logDestination)),
        DatabaseModule.forRoot(config, databaseUrl),
        EventsModule,
        RedisModule,
        ThrottlerModule.forRootAsync({
          imports: [MetricsModule],
          inject: [REDIS, MetricsService],
          useFactory: (redis: Redis | null, metrics: MetricsService) => ({
            throttlers: [
              { name: THROTTLERS.default, ttl: seconds(config.env.RATE_LIMIT_TTL_SECONDS), limit: config.env.RATE_LIMIT_MAX },
              // Login, registration and password resets: a much lower per-IP budget.
              { name: THROTTLERS.auth, ttl: seconds(60), limit: config.env.LOGIN_RATE_LIMIT_MAX, skipIf: (ctx) => !isAuthRateLimited(ctx) },
            ],
            storage: redis ? sharedThrottlerStorage(redis, config, metrics) : new MemoryThrottlerStorage(),
          }),
        }),
        HealthModule,
        MetricsModule,
        EgressModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_GUARD, useClass: HttpThrottlerGuard },
      ],
      exports: [MetricsModule],
    };
  }
}
