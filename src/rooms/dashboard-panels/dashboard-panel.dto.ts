import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { JSON_OBJECT_SCHEMA } from '../../common/json-patch/json-patch.dto';
import { trim } from '../../common/http/transforms';

export const PANEL_CONFIG_MAX_BYTES = 16 * 1024;

export class PanelLayoutDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 10000 }) @IsInt() @Min(0) @Max(10000) x!: number;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 10000 }) @IsInt() @Min(0) @Max(10000) y!: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 10000 }) @IsInt() @Min(1) @Max(10000) w!: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 10000 }) @IsInt() @Min(1) @Max(10000) h!: number;
}

export class DashboardPanelDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  name!: string;
  @ApiProperty({ type: PanelLayoutDto }) layout!: PanelLayoutDto;
  @ApiProperty({ ...JSON_OBJECT_SCHEMA, description: 'Panel configuration (a JSON object).' }) config!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreatePanelDto {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @Transform(trim) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ type: PanelLayoutDto }) @ValidateNested() @Type(() => PanelLayoutDto) @IsObject() layout!: PanelLayoutDto;
  @ApiPropertyOptional({ ...JSON_OBJECT_SCHEMA, description: `A JSON object of at most ${PANEL_CONFIG_MAX_BYTES} bytes (serialized).` })
  @IsOptional() @IsObject()
  config?: Record<string, unknown>;
}

export class UpdatePanelDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @IsOptional() @Transform(trim) @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ type: PanelLayoutDto }) @IsOptional() @ValidateNested() @Type(() => PanelLayoutDto) @IsObject() layout?: PanelLayoutDto;
  @ApiPropertyOptional({ ...JSON_OBJECT_SCHEMA, description: `Replaces the configuration: a JSON object of at most ${PANEL_CONFIG_MAX_BYTES} bytes.` })
  @IsOptional() @IsObject()
  config?: Record<string, unknown>;
}
