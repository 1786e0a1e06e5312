import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { trim } from '../../common/http/transforms';

export const STREAMING_KINDS = ['rtmp', 'rtmps', 'srt', 'custom'] as const;
export type StreamingKind = (typeof STREAMING_KINDS)[number];
const INGEST_URL = /^(rtmps?|srt|https?):\/\/[^\s/?#]+\S*$/;
const PUBLIC_URL = /^https?:\/\/[^\s/?#]+\S*$/;

export class StreamingTargetDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  name!: string;
  @ApiProperty({ enum: STREAMING_KINDS, enumName: 'StreamingKind' }) kind!: StreamingKind;
  ingestUrl!: string;
  @ApiProperty({ example: '••••••••abcd', description: 'Always masked: the key is write-only.' }) streamKey!: string;
  @ApiProperty({ type: String, nullable: true }) publicUrl!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreateStreamingTargetDto {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @Transform(trim) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: STREAMING_KINDS, enumName: 'StreamingKind' }) @IsIn(STREAMING_KINDS) kind!: StreamingKind;
  @ApiProperty({ maxLength: 2048, pattern: INGEST_URL.source, example: 'rtmp://live.example.com/app' })
  @IsString() @MaxLength(2048) @Matches(INGEST_URL, { message: 'ingestUrl must be an rtmp, rtmps, srt, http or https URL' })
  ingestUrl!: string;
  @ApiProperty({ minLength: 1, maxLength: 512, description: 'Stored sealed; returned masked.' }) @IsString() @Length(1, 512) streamKey!: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2048, pattern: PUBLIC_URL.source })
  @IsOptional() @IsString() @MaxLength(2048) @Matches(PUBLIC_URL, { message: 'publicUrl must be an http or https URL' })
  publicUrl?: string | null;
}

export class UpdateStreamingTargetDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @IsOptional() @Transform(trim) @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ enum: STREAMING_KINDS, enumName: 'StreamingKind' }) @IsOptional() @IsIn(STREAMING_KINDS) kind?: StreamingKind;
  @ApiPropertyOptional({ maxLength: 2048, pattern: INGEST_URL.source })
  @IsOptional() @IsString() @MaxLength(2048) @Matches(INGEST_URL, { message: 'ingestUrl must be an rtmp, rtmps, srt, http or https URL' })
  ingestUrl?: string;
  @ApiPropertyOptional({ minLength: 1, maxLength: 512 }) @IsOptional() @IsString() @Length(1, 512) streamKey?: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2048, pattern: PUBLIC_URL.source, description: 'null removes it.' })
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsString() @MaxLength(2048) @Matches(PUBLIC_URL, { message: 'publicUrl must be an http or https URL' })
  publicUrl?: string | null;
}
