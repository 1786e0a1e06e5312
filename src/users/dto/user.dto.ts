import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsISO31661Alpha2, IsObject, IsOptional, IsString, IsUUID, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { PLATFORM_ROLES, PlatformRole } from '../../common/auth/principal';
import { PageQueryDto } from '../../common/pagination/pagination';
import { trim } from '../../common/http/transforms';

export const USERNAME_PATTERN = /^[A-Za-z0-9._-]{3,32}$/;
export const USER_STATUSES = ['active', 'blocked', 'disabled', 'locked'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  username!: string;
  @ApiProperty({ nullable: true, type: String }) displayName!: string | null;
  @ApiProperty({ nullable: true, type: String }) firstName!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastName!: string | null;
  @ApiProperty({ enum: PLATFORM_ROLES, enumName: 'PlatformRole', description: 'Platform role; `admin` manages tenants.' }) role!: PlatformRole;
  @ApiProperty({ type: [String], description: "Roles in the user's tenant (Casbin), direct and through groups.", example: ['member'] }) tenantRoles!: string[];
  @ApiProperty({ enum: USER_STATUSES, enumName: 'UserStatus' }) status!: UserStatus;
  emailVerified!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lockedUntil!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastLoginAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) avatarUrl!: string | null;
  @ApiProperty({ nullable: true, type: String }) language!: string | null;
  @ApiProperty({ nullable: true, type: String }) conferenceTheme!: string | null;
  @ApiProperty({ nullable: true, type: String }) dashboardTheme!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) title!: string | null;
  @ApiProperty({ nullable: true, type: String }) country!: string | null;
  @ApiProperty({ nullable: true, type: String }) profession!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/**
 * A user as the directory shows it to every member of the tenant (`users:read`): who someone is,
 * nothing an admin manages (e-mail, roles, status, lock, last login are in UserDto, for `users:manage`).
 */
export class UserDirectoryEntryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) displayName!: string | null;
  @ApiProperty({ nullable: true, type: String }) avatarUrl!: string | null;
}

export class UserDirectoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Matches the display name (case-insensitive substring).' })
  @IsOptional() @IsString() @MaxLength(100) q?: string;
}

/** The profile fields a user may change on itself. */
export class UpdateProfileDto {
  @IsOptional() @Transform(trim) @IsString() @Length(1, 100) displayName?: string;
  @IsOptional() @Transform(trim) @IsString() @MaxLength(100) firstName?: string;
  @IsOptional() @Transform(trim) @IsString() @MaxLength(100) lastName?: string;
  @IsOptional() @IsUrl({ protocols: ['https', 'http'], require_protocol: true }) @MaxLength(500) avatarUrl?: string;
  @ApiPropertyOptional({ example: 'en' }) @IsOptional() @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'language must be a BCP 47 tag such as en or pt-BR' }) language?: string;
  @IsOptional() @IsString() @MaxLength(50) conferenceTheme?: string;
  @IsOptional() @IsString() @MaxLength(50) dashboardTheme?: string;
  @IsOptional() @Matches(/^\+?[0-9 ()-]{4,30}$/, { message: 'phone must be a phone number' }) phone?: string;
  @IsOptional() @IsString() @MaxLength(100) title?: string;
  @ApiPropertyOptional({ example: 'DE', description: 'ISO 3166-1 alpha-2' }) @IsOptional() @IsISO31661Alpha2() country?: string;
  @IsOptional() @IsString() @MaxLength(100) profession?: string;
}

export class UserSettingsDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Preferred LLM model.' }) defaultModelId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Free-form client preferences (at most 16 KiB).' })
  preferences!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class PutUserSettingsDto {
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) @IsOptional() @IsUUID() defaultModelId?: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) @IsObject() preferences!: Record<string, unknown>;
}

export class CreateUserDto {
  @ApiProperty({ format: 'email' }) @Transform(trim) @IsEmail() @MaxLength(254) email!: string;
  @ApiProperty({ example: 'ada', pattern: USERNAME_PATTERN.source }) @Matches(USERNAME_PATTERN, { message: 'username must be 3 to 32 letters, digits, dots, dashes or underscores' }) username!: string;
  @ApiProperty({ minLength: 10, maxLength: 128 }) @IsString() @MaxLength(128) password!: string;
  @IsOptional() @Transform(trim) @IsString() @Length(1, 100) displayName?: string;
  @ApiPropertyOptional({ description: 'Tenant role (default `member`).', example: 'member' }) @IsOptional() @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'role must be a role name' }) role?: string;
}

export class UserQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "List the users of this tenant instead of the caller's (platform admins only)." })
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @ApiPropertyOptional({ description: 'Matches e-mail, username or display name (case-insensitive substring).' })
  @IsOptional() @IsString() @MaxLength(100) q?: string;
  @ApiPropertyOptional({ enum: USER_STATUSES, enumName: 'UserStatus' }) @IsOptional() @IsIn(USER_STATUSES) status?: UserStatus;
}

export class BlockUserDto {
  @ApiPropertyOptional({ description: 'Why (kept in the audit log).' }) @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class SetTenantRoleDto {
  @ApiProperty({ example: 'admin', description: "A role of the caller's tenant (admin, member, guest or a custom one)." })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'role must be a role name' })
  role!: string;
}

export class SetPlatformRoleDto {
  @ApiProperty({ enum: PLATFORM_ROLES, enumName: 'PlatformRole' }) @IsIn(PLATFORM_ROLES) role!: PlatformRole;
}

export class SetDisabledDto {
  @IsBoolean() disabled!: boolean;
}
