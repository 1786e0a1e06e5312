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
import { REDIS } from '../redis/redis.module';
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
  @ApiOperation({ summary: 'Readiness: the database (and Redis, when configured) answer' })
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
    const redis = this.redis;
    if (redis) {
      checks.push(() =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            await redis.ping();
          })
          .withTimeout(CHECK_TIMEOUT_MS),
      );
    }
    try {
      return (await this.health.check(checks)) as HealthCheckDto;
    } catch (err) {
      const details = (err as { response?: { details?: unknown } }).response?.details;
      throw new AppException(503, 'not-ready', {
        detail: 'A dependency is unavailable.',
        extensions: { checks: details ?? {} },
        cause: err,
      });
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
