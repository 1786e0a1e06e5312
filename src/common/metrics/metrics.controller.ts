import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../http/public.decorator';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { MetricsTokenGuard } from './metrics-token.guard';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller('metrics')
// No user credential: the scraper is not a user. METRICS_TOKEN, when set, is checked by MetricsTokenGuard.
@Public()
@UseGuards(MetricsTokenGuard)
@SkipThrottle()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics in the text exposition format' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format 0.0.4', schema: { type: 'string' } })
  @ApiProblems(401)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  getMetrics(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
