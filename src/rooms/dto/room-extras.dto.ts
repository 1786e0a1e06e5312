import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean, IsDateString, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination/pagination';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** A free-form JSON object in the OpenAPI document (typed: `additionalProperties: {}`). */
const JSON_OBJECT = { type: 'object', additionalProperties: {} } as const;

// ---- transcripts ---------------------------------------------------------------------------------

export const TRANSCRIPT_MAX_LENGTH = 4000;
/** Offsets up to 31 days into a call. */
export const TRANSCRIPT_MAX_OFFSET_MS = 31 * 24 * 3600 * 1000;

export class RoomTranscriptDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who sent the segment (null once that user is deleted).' }) authorId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who spoke, when known.' }) speakerUserId!: string | null;
  @ApiProperty() text!: string;
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
export class TranscriptExportQueryDto {
  @ApiPropertyOptional({ enum: TRANSCRIPT_EXPORT_FORMATS, default: 'txt' })
  @IsOptional() @IsIn(TRANSCRIPT_EXPORT_FORMATS)
  format: (typeof TRANSCRIPT_EXPORT_FORMATS)[number] = 'txt';
}

// ---- invites -------------------------------------------------------------------------------------

export const INVITE_ROLES = ['MEMBER', 'GUEST'] as const;
export type InviteRole = (typeof INVITE_ROLES)[number];

export class RoomInviteDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ example: 'K7M2XQ9PAB3D', description: '12 characters without look-alikes (no 0/O/1/I/L).' }) code!: string;
  @ApiProperty({ enum: INVITE_ROLES, enumName: 'InviteRole' }) role!: InviteRole;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) maxUses!: number | null;
  @ApiProperty({ type: 'integer' }) uses!: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreateInviteDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'In the future; omitted: never expires.' })
  @IsOptional() @IsDateString({ strict: true })
  expiresAt?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100000, description: 'Omitted: unlimited.' })
  @IsOptional() @IsInt() @Min(1) @Max(100000)
  maxUses?: number;

  @ApiPropertyOptional({ enum: INVITE_ROLES, enumName: 'InviteRole', default: 'MEMBER' })
  @IsOptional() @IsIn(INVITE_ROLES)
  role?: InviteRole;
}

export class RedeemInviteResultDto {
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ enum: ['OWNER', 'MODERATOR', 'MEMBER', 'GUEST'], enumName: 'RoomRole', description: "The caller's role in the room." }) role!: string;
  @ApiProperty({ description: 'false when the caller already was a member (nothing changed, no use counted).' }) joined!: boolean;
}

// ---- SIP -----------------------------------------------------------------------------------------

export class RoomSipConfigDto {
  @ApiProperty({ example: '4930123456' }) dialInNumberId!: string;
  @ApiProperty({ description: 'In full for moderators and the owner, masked (`••••••••1234`) for other members.' }) pin!: string;
  @ApiProperty() lobby!: boolean;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class PutSipConfigDto {
  @ApiProperty({ minLength: 1, maxLength: 64, description: 'Unique across the installation.' })
  @IsString() @Matches(/^[A-Za-z0-9+._-]{1,64}$/, { message: 'dialInNumberId must be 1 to 64 letters, digits or + . _ -' })
  dialInNumberId!: string;

  @ApiProperty({ pattern: '^[0-9]{4,12}$', description: 'Stored sealed (AES-256-GCM).' })
  @IsString() @Matches(/^[0-9]{4,12}$/, { message: 'pin must be 4 to 12 digits' })
  pin!: string;

  @ApiProperty() @IsBoolean() lobby!: boolean;
}

// ---- streaming targets ---------------------------------------------------------------------------

export const STREAMING_KINDS = ['rtmp', 'rtmps', 'srt', 'custom'] as const;
export type StreamingKind = (typeof STREAMING_KINDS)[number];
const INGEST_URL = /^(rtmps?|srt|https?):\/\/[^\s/?#]+\S*$/;
const PUBLIC_URL = /^https?:\/\/[^\s/?#]+\S*$/;

export class StreamingTargetDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: STREAMING_KINDS, enumName: 'StreamingKind' }) kind!: StreamingKind;
  @ApiProperty() ingestUrl!: string;
  @ApiProperty({ example: '••••••••abcd', description: 'Always masked: the key is write-only.' }) streamKey!: string;
  @ApiProperty({ type: String, nullable: true }) publicUrl!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreateStreamingTargetDto {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @Transform(trim) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: STREAMING_KINDS, enumName: 'StreamingKind' }) @IsIn(STREAMING_KINDS) kind!: StreamingKind;
  @ApiProperty({ maxLength: 2048, example: 'rtmp://live.example.com/app' })
  @IsString() @MaxLength(2048) @Matches(INGEST_URL, { message: 'ingestUrl must be an rtmp, rtmps, srt, http or https URL' })
  ingestUrl!: string;
  @ApiProperty({ minLength: 1, maxLength: 512, description: 'Stored sealed; returned masked.' }) @IsString() @Length(1, 512) streamKey!: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2048 })
  @IsOptional() @IsString() @MaxLength(2048) @Matches(PUBLIC_URL, { message: 'publicUrl must be an http or https URL' })
  publicUrl?: string | null;
}

export class UpdateStreamingTargetDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @IsOptional() @Transform(trim) @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ enum: STREAMING_KINDS, enumName: 'StreamingKind' }) @IsOptional() @IsIn(STREAMING_KINDS) kind?: StreamingKind;
  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional() @IsString() @MaxLength(2048) @Matches(INGEST_URL, { message: 'ingestUrl must be an rtmp, rtmps, srt, http or https URL' })
  ingestUrl?: string;
  @ApiPropertyOptional({ minLength: 1, maxLength: 512 }) @IsOptional() @IsString() @Length(1, 512) streamKey?: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2048, description: 'null removes it.' })
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsString() @MaxLength(2048) @Matches(PUBLIC_URL, { message: 'publicUrl must be an http or https URL' })
  publicUrl?: string | null;
}

// ---- dashboard panels ----------------------------------------------------------------------------

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
  @ApiProperty() name!: string;
  @ApiProperty({ type: PanelLayoutDto }) layout!: PanelLayoutDto;
  @ApiProperty({ ...JSON_OBJECT, description: 'Panel configuration (a JSON object).' }) config!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreatePanelDto {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @Transform(trim) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ type: PanelLayoutDto }) @ValidateNested() @Type(() => PanelLayoutDto) @IsObject() layout!: PanelLayoutDto;
  @ApiPropertyOptional({ ...JSON_OBJECT, description: `A JSON object of at most ${PANEL_CONFIG_MAX_BYTES} bytes (serialized).` })
  @IsOptional() @IsObject()
  config?: Record<string, unknown>;
}

export class UpdatePanelDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @IsOptional() @Transform(trim) @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ type: PanelLayoutDto }) @IsOptional() @ValidateNested() @Type(() => PanelLayoutDto) @IsObject() layout?: PanelLayoutDto;
  @ApiPropertyOptional({ ...JSON_OBJECT, description: `Replaces the configuration: a JSON object of at most ${PANEL_CONFIG_MAX_BYTES} bytes.` })
  @IsOptional() @IsObject()
  config?: Record<string, unknown>;
}

// ---- module resources ----------------------------------------------------------------------------

export const MODULE_DATA_MAX_BYTES = 64 * 1024;
const NAMESPACE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export class ModuleResourceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ example: 'whiteboard' }) namespace!: string;
  @ApiProperty({ type: String, nullable: true }) tag!: string | null;
  @ApiProperty({ ...JSON_OBJECT, description: 'The module state (a JSON object).' }) data!: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreateModuleResourceDto {
  @ApiProperty({ pattern: NAMESPACE.source }) @IsString() @Matches(NAMESPACE, { message: 'namespace must be 1 to 64 of a-z 0-9 . _ - (starting with a letter or digit)' }) namespace!: string;
  @ApiPropertyOptional({ maxLength: 128 }) @IsOptional() @IsString() @Length(1, 128) tag?: string;
  @ApiProperty({ ...JSON_OBJECT, description: `A JSON object of at most ${MODULE_DATA_MAX_BYTES} bytes (serialized).` }) @IsObject() data!: Record<string, unknown>;
}

export class ModuleResourceQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(NAMESPACE, { message: 'namespace must be 1 to 64 of a-z 0-9 . _ -' }) namespace?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 128) tag?: string;
}

export const JSON_PATCH_OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;

/** One RFC 6902 operation (documentation; the body is checked by the service). */
export class JsonPatchOperationDto {
  @ApiProperty({ enum: JSON_PATCH_OPS }) op!: (typeof JSON_PATCH_OPS)[number];
  @ApiProperty({ example: '/items/0', description: 'A JSON Pointer (RFC 6901) into `data`.' }) path!: string;
  @ApiPropertyOptional({ description: 'add / replace / test: any JSON value.', oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: {} }, JSON_OBJECT], nullable: true })
  value?: unknown;
  @ApiPropertyOptional({ description: 'move / copy: the source pointer.' }) from?: string;
}
