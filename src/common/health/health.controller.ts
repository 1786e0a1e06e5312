import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { DatabaseOutage } from '../database/database-outage';
import { AppException } from '../errors/app.exception';
import { Public } from '../http/public.decorator';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { REDIS, isRedisReady } from '../redis/redis.module';
import { withDeadline } from '../redis/with-deadline';
import { HealthCheckDto, HealthIndicatorDto } from './health.dto';

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('operations')
@ApiExtraModels(HealthIndicatorDto)
@Controller('health')
@Public()
@SkipThrottle()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly outage: DatabaseOutage,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  @ApiOkResponse({ type: HealthCheckDto })
  getLiveness(): HealthCheckDto {
    return { status: 'ok', info: {}, error: {}, details: {} };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: the database answers. Redis (when configured) is reported but does not make the node unready',
    description:
      'A node without Redis still serves every request (rate limits per node, Socket.IO without fan-out), so it stays ' +
      'ready: 200 with status `degraded` and `redis` down in `error` and `details`. 503 when the database does not answer.',
  })
  @ApiOkResponse({ type: HealthCheckDto })
  @ApiProblems(503)
  async getReadiness(): Promise<HealthCheckDto> {
    const checks: HealthIndicatorFunction[] = [
      () =>
        this.indicators
          .check('database')
          .attempt(() => this.pingDatabase())
          .withTimeout(CHECK_TIMEOUT_MS),
    ];
    let result: HealthCheckDto;
    try {
      result = (await this.health.check(checks)) as HealthCheckDto;
    } catch (err) {
      const details = (err as { response?: { details?: unknown } }).response?.details;
      throw new AppException(503, 'not-ready', {
        detail: 'A dependency is unavailable.',
        extensions: { checks: details ?? {} },
        cause: err,
      });
    }
    return this.redis ? withRedis(result, await this.redisIndicator(this.redis)) : result;
  }

  /** Down at once when the connection is not ready: a PING would wait in ioredis' offline queue. */
  private async redisIndicator(redis: Redis): Promise<HealthIndicatorDto> {
    if (!isRedisReady(redis)) return { status: 'down', message: `the connection is ${redis.status}` };
    const started = Date.now();
    try {
      await withDeadline(redis.ping(), CHECK_TIMEOUT_MS);
      return { status: 'up', responseTime: Date.now() - started };
    } catch (err) {
      return { status: 'down', message: (err as Error).message };
    }
  }

  /** SELECT 1, and what it says about an outage: probes keep noticing its start and end while no request comes. */
  private async pingDatabase(): Promise<void> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch (err) {
      this.outage.failed(err);
      throw err;
    }
    this.outage.succeeded();
  }
}

/** Adds Redis to a passing check: `degraded` (still 200) when it is down. */
function withRedis(result: HealthCheckDto, redis: HealthIndicatorDto): HealthCheckDto {
  const up = redis.status === 'up';
  return {
    status: up ? result.status : 'degraded',
    info: up ? { ...result.info, redis } : { ...result.info },
    error: up ? { ...result.error } : { ...result.error, redis },
    details: { ...result.details, redis },
  };
}
