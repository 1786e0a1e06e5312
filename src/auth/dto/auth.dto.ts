import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../common/auth/principal';
import { USERNAME_PATTERN } from '../../users/dto/user.dto';
import { INVITATION_TOKEN_PATTERN } from '../invitations/tenant-invitation.dto';
import { IsRfc3339 } from '../../common/time/rfc3339';
import { trim } from '../../common/http/transforms';

export class RegisterDto {
  @ApiProperty({ format: 'email' }) @Transform(trim) @IsEmail() @MaxLength(254) email!: string;
  @ApiProperty({ example: 'ada', pattern: USERNAME_PATTERN.source }) @Matches(USERNAME_PATTERN, { message: 'username must be 3 to 32 letters, digits, dots, dashes or underscores' }) username!: string;
  @ApiProperty({ minLength: 10, maxLength: 128, description: 'At least 10 characters; common passwords are refused.' }) @IsString() @MaxLength(128) password!: string;
  @IsOptional() @Transform(trim) @IsString() @Length(1, 100) displayName?: string;

  /**
   * The token of a tenant invitation to this address: the account is made in the invitation's
   * tenant with its role (even when self-registration is disabled), and the address counts as verified.
   */
  @ApiPropertyOptional({ pattern: INVITATION_TOKEN_PATTERN.source })
  @IsOptional()
  @Matches(INVITATION_TOKEN_PATTERN, { message: 'invitationToken must be an invitation token' })
  invitationToken?: string;
}

export class LoginDto {
  @ApiProperty({ description: 'E-mail or username.' }) @Transform(trim) @IsString() @Length(1, 254) login!: string;
  @IsString() @Length(1, 128) password!: string;
}

export class RefreshDto {
  @IsString() @Length(10, 200) refreshToken!: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'JWT (HS256), sent as `Authorization: Bearer <token>`.' }) accessToken!: string;
  @ApiProperty({ description: 'Opaque; single use: each refresh returns a new one.' }) refreshToken!: string;
  @ApiProperty({ description: 'Seconds until the access token expires.', example: 900 }) expiresIn!: number;
  @ApiProperty({ enum: ['Bearer'], enumName: 'TokenType' }) tokenType!: 'Bearer';
}

export class SessionDto {
  @ApiProperty({ format: 'uuid', description: 'The session (refresh-token family) id.' }) id!: string;
  @ApiProperty({ nullable: true, type: String, description: 'User agent of the device that signed in.' }) deviceInfo!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Last sign-in or refresh.' }) lastUsedAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ description: 'The session the request was made with.' }) current!: boolean;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionDto] }) items!: SessionDto[];
}

const SCOPE_DESCRIPTION =
  '`read`: GET (and HEAD) requests and the socket events that only read; `write`: changes too. No key may manage credentials (API keys, sessions, the password): that needs an access token.';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci-deploy' }) @Transform(trim) @IsString() @Length(1, 100) name!: string;
  @ApiPropertyOptional({ enum: API_KEY_SCOPES, enumName: 'ApiKeyScope', default: 'read', description: SCOPE_DESCRIPTION })
  @IsOptional()
  @IsIn(API_KEY_SCOPES)
  scope?: ApiKeyScope;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the key stops working: in the future, and no later than `API_KEY_MAX_TTL_DAYS` from now (365 by default). Unset: after that maximum (never, when the server sets no maximum).',
  })
  @IsOptional()
  @IsRfc3339()
  expiresAt?: string;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  name!: string;
  @ApiProperty({ description: 'The visible start of the key.', example: 'ck_3fJ9aQ2x' }) prefix!: string;
  @ApiProperty({ enum: API_KEY_SCOPES, enumName: 'ApiKeyScope', description: SCOPE_DESCRIPTION }) scope!: ApiKeyScope;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key. Shown once: store it now.' }) key!: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] }) items!: ApiKeyDto[];
}
