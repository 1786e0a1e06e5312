import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/pagination';
import { trimLowercase } from '../../common/http/transforms';

/** A role name of a tenant: a lowercase slug (admin, member, guest or a custom role). */
export const TENANT_ROLE_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;
/** An invitation token as mailed: 32 random bytes, base64url. */
export const INVITATION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export class CreateTenantInvitationDto {
  /** The address the invitation is mailed to; only an account with this address can use it. */
  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  @Transform(trimLowercase)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  /** The tenant role the invited user gets (default `member`). */
  @ApiPropertyOptional({ example: 'member', pattern: TENANT_ROLE_PATTERN.source })
  @IsOptional()
  @Matches(TENANT_ROLE_PATTERN, { message: 'role must be a role name' })
  role?: string;
}

export class TenantInvitationQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "List the invitations of this tenant instead of the caller's (platform admins only)." })
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @ApiPropertyOptional({ enum: INVITATION_STATUSES, enumName: 'InvitationStatus' })
  @IsOptional()
  @IsIn(INVITATION_STATUSES)
  status?: InvitationStatus;

  /** Only invitations to this address (exact, case-insensitive). */
  @IsOptional()
  @Transform(trimLowercase)
  @IsEmail()
  @MaxLength(254)
  email?: string;
}

export class TenantInvitationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  role!: string;
  @ApiProperty({ enum: INVITATION_STATUSES, enumName: 'InvitationStatus' }) status!: InvitationStatus;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) invitedBy!: string | null;
  /** How many times the invitation was mailed. */
  sentCount!: number;
  @ApiProperty({ format: 'date-time' }) lastSentAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) acceptedAt!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) acceptedBy!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class InvitationTokenDto {
  /** The token from the invitation e-mail. */
  @ApiProperty({ pattern: INVITATION_TOKEN_PATTERN.source })
  @Matches(INVITATION_TOKEN_PATTERN, { message: 'token must be an invitation token' })
  token!: string;
}

/** What a front end shows before the invitation is used. */
export class InvitationPreviewDto {
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  tenantName!: string;
  tenantSlug!: string;
  @ApiProperty({ format: 'email', description: 'The invited address: registering or signing in with another one is refused.' }) email!: string;
  role!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  /** The tenant's OpenID Connect login with this invitation, when the tenant has an identity provider. */
  @ApiProperty({ type: String, nullable: true, format: 'uri' }) oidcLoginUrl!: string | null;
}

export class AcceptedInvitationDto {
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  /** The caller's tenant role now. */
  role!: string;
}
