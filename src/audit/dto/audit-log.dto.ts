import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/pagination';
import { IsRfc3339 } from '../../common/time/rfc3339';

export class AuditLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only entries by this actor.' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ description: 'An action (`user.block`) or a prefix (`user.*`).', example: 'auth.login.*' })
  @IsOptional()
  @Matches(/^[a-z0-9-]+(\.[a-z0-9-]+)*(\.\*)?$/, { message: 'action must be an action name such as user.block, or a prefix such as user.*' })
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ example: 'user' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  resourceType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  resourceId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'From this time (inclusive).' })
  @IsOptional()
  @IsRfc3339()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Until this time (exclusive).' })
  @IsOptional()
  @IsRfc3339()
  to?: string;
}

export class AuditLogDto {
  @ApiProperty({ description: 'Monotonic entry id (a decimal string).', example: '1042' }) id!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) tenantId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ enum: ['user', 'api-key', 'system', 'anonymous'], enumName: 'AuditActorType' }) actorType!: string;
  @ApiProperty({ example: 'user.block' }) action!: string;
  @ApiProperty({ example: 'user' }) resourceType!: string;
  @ApiProperty({ nullable: true, type: String }) resourceId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'State before the change, secrets redacted.' })
  oldValue!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'State after the change, secrets redacted.' })
  newValue!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent!: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
