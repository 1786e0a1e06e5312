import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';

export const TRANSCRIPT_MAX_LENGTH = 4000;
/** Offsets up to 31 days into a call. */
export const TRANSCRIPT_MAX_OFFSET_MS = 31 * 24 * 3600 * 1000;

export class RoomTranscriptDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who sent the segment (null once that user is deleted).' }) authorId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who spoke, when known.' }) speakerUserId!: string | null;
  text!: string;
  @ApiProperty({ type: String, nullable: true, example: 'en' }) language!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Milliseconds from the start of the call.' }) startedAt!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Milliseconds from the start of the call.' }) endedAt!: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AppendTranscriptDto {
  @ApiProperty({ minLength: 1, maxLength: TRANSCRIPT_MAX_LENGTH })
  @IsString()
  @Length(1, TRANSCRIPT_MAX_LENGTH)
  @Matches(/\S/, { message: 'text must not be blank' })
  text!: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Start of the segment: milliseconds from the start of the call.' })
  @IsOptional() @IsInt() @Min(0) @Max(TRANSCRIPT_MAX_OFFSET_MS)
  startedAt?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'End of the segment (>= startedAt): milliseconds from the start of the call.' })
  @IsOptional() @IsInt() @Min(0) @Max(TRANSCRIPT_MAX_OFFSET_MS)
  endedAt?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'The speaker: a member of the room.' })
  @IsOptional() @IsUUID()
  speakerUserId?: string;

  @ApiPropertyOptional({ example: 'en-US', description: 'BCP 47 language tag.' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/, { message: 'language must be a BCP 47 language tag' })
  language?: string;
}

export const TRANSCRIPT_EXPORT_FORMATS = ['txt', 'vtt'] as const;
export type TranscriptExportFormat = (typeof TRANSCRIPT_EXPORT_FORMATS)[number];

export class TranscriptExportQueryDto {
  @ApiPropertyOptional({ enum: TRANSCRIPT_EXPORT_FORMATS, default: 'txt' })
  @IsOptional() @IsIn(TRANSCRIPT_EXPORT_FORMATS)
  format: TranscriptExportFormat = 'txt';
}
