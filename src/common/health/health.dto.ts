import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

export class HealthIndicatorDto {
  @ApiProperty({ enum: ['up', 'down', 'degraded'], enumName: 'HealthIndicatorStatus' })
  status!: 'up' | 'down' | 'degraded';

  @ApiPropertyOptional({ description: 'Why the indicator is down.' })
  message?: string;

  @ApiPropertyOptional({ description: 'Milliseconds the check took.' })
  responseTime?: number;
}

const indicatorMap = {
  type: 'object',
  additionalProperties: { $ref: getSchemaPath(HealthIndicatorDto) },
} as const;

export class HealthCheckDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'error', 'shutting_down'], enumName: 'HealthStatus' })
  status!: string;

  @ApiPropertyOptional({ ...indicatorMap, description: 'Indicators that are up.' })
  info?: Record<string, HealthIndicatorDto>;

  @ApiPropertyOptional({ ...indicatorMap, description: 'Indicators that are down.' })
  error?: Record<string, HealthIndicatorDto>;

  @ApiProperty({ ...indicatorMap, description: 'Every indicator.' })
  details!: Record<string, HealthIndicatorDto>;
}
