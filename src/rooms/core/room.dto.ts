import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/pagination';
import { ROOM_ROLES, ROOM_TYPES, RoomRole, RoomType } from './rooms.constants';
import { trim } from '../../common/http/transforms';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class RoomVizDto {
  @ApiProperty({ type: String, nullable: true, description: 'Hostname of the viz container.' }) host!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) cmdPort!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) vizPort!: number | null;
  @ApiProperty({ description: 'Access token of the viz container: in full for room members, masked (`••••••••abcd`) for others.' })
  token!: string;
}

export class RoomDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  name!: string;
  @ApiProperty({ enum: ROOM_TYPES, enumName: 'RoomType' }) type!: RoomType;
  @ApiProperty({ format: 'uuid' }) ownerId!: string;
  @ApiProperty({ type: String, nullable: true, example: 'K7M2XQ9PA', description: 'The 9-character join code; null for callers who are not members.' })
  joinCode!: string | null;
  @ApiProperty({ description: 'Whether joining needs a password (the password itself is never returned).' }) hasPassword!: boolean;
  waitingRoom!: boolean;
  e2eEncrypted!: boolean;
  @ApiProperty({ type: RoomVizDto, nullable: true, description: 'Viz container access (dashboard rooms).' }) viz!: RoomVizDto | null;
  @ApiProperty({ enum: ROOM_ROLES, enumName: 'RoomRole', nullable: true, description: "The caller's role in the room; null when not a member." })
  myRole!: RoomRole | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class RoomVizInputDto {
  @ApiProperty({ example: 'viz-7.internal' })
  @IsString()
  @Matches(/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, { message: 'host must be a hostname or an IPv4 address' })
  host!: string;

  @ApiProperty({ minimum: 1, maximum: 65535 }) @IsInt() @Min(1) @Max(65535) cmdPort!: number;
  @ApiProperty({ minimum: 1, maximum: 65535 }) @IsInt() @Min(1) @Max(65535) vizPort!: number;
}

export class CreateRoomDto {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @Transform(trim) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: ROOM_TYPES, enumName: 'RoomType' }) @IsIn(ROOM_TYPES) type!: RoomType;
  @ApiPropertyOptional({ minLength: 4, maxLength: 128, description: 'Stored as an Argon2id hash; never returned.' })
  @IsOptional()
  @IsString()
  @Length(4, 128)
  password?: string;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() waitingRoom?: boolean;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() e2eEncrypted?: boolean;
  @ApiPropertyOptional({ type: RoomVizInputDto, description: 'Dashboard rooms only.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RoomVizInputDto)
  viz?: RoomVizInputDto;
}

export class UpdateRoomDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @IsOptional() @Transform(trim) @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ type: String, nullable: true, minLength: 4, maxLength: 128, description: 'A new password, or null to remove it.' })
  @IsOptional()
  @IsString()
  @Length(4, 128)
  password?: string | null;
  @IsOptional() @IsBoolean() waitingRoom?: boolean;
  @IsOptional() @IsBoolean() e2eEncrypted?: boolean;
  @ApiPropertyOptional({ type: RoomVizInputDto, description: 'Dashboard rooms only; replaces the viz host and ports (the token stays).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RoomVizInputDto)
  viz?: RoomVizInputDto;
}

export class RoomQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROOM_TYPES, enumName: 'RoomType' }) @IsOptional() @IsIn(ROOM_TYPES) type?: RoomType;
  @ApiPropertyOptional({ description: 'true: only rooms the caller is a member of.' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  member?: boolean;
}

export class TransferOwnershipDto {
  @ApiProperty({ format: 'uuid', description: 'A member of the room; becomes OWNER, the old owner becomes MODERATOR.' })
  @IsUUID()
  userId!: string;
}
