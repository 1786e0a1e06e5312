import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { JSON_OBJECT_SCHEMA } from '../../common/json-patch/json-patch.dto';
import { PageQueryDto } from '../../common/pagination/pagination';

export const MODULE_DATA_MAX_BYTES = 64 * 1024;
const NAMESPACE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export class ModuleResourceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ example: 'whiteboard' }) namespace!: string;
  @ApiProperty({ type: String, nullable: true }) tag!: string | null;
  @ApiProperty({ ...JSON_OBJECT_SCHEMA, description: 'The module state (a JSON object).' }) data!: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreateModuleResourceDto {
  @ApiProperty({ pattern: NAMESPACE.source }) @IsString() @Matches(NAMESPACE, { message: 'namespace must be 1 to 64 of a-z 0-9 . _ - (starting with a letter or digit)' }) namespace!: string;
  @ApiPropertyOptional({ maxLength: 128 }) @IsOptional() @IsString() @Length(1, 128) tag?: string;
  @ApiProperty({ ...JSON_OBJECT_SCHEMA, description: `A JSON object of at most ${MODULE_DATA_MAX_BYTES} bytes (serialized).` }) @IsObject() data!: Record<string, unknown>;
}

export class ModuleResourceQueryDto extends PageQueryDto {
  @IsOptional() @IsString() @Matches(NAMESPACE, { message: 'namespace must be 1 to 64 of a-z 0-9 . _ -' }) namespace?: string;
  @IsOptional() @IsString() @Length(1, 128) tag?: string;
}
