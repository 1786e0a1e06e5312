import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { INVITATION_TOKEN_PATTERN } from '../invitations/tenant-invitation.dto';

export const OIDC_AUTHORIZE_MODES = ['redirect', 'json'] as const;
export type OidcAuthorizeMode = (typeof OIDC_AUTHORIZE_MODES)[number];

/** The `{tenant}` path segment: a tenant id or slug. */
export class OidcTenantParamDto {
  @ApiProperty({ description: 'Tenant id or slug.', example: 'acme' })
  @Matches(/^[A-Za-z0-9-]{1,64}$/, { message: 'tenant must be a tenant id or slug' })
  tenant!: string;
}

export class OidcAuthorizeQueryDto {
  /** A tenant invitation token (from the invitation e-mail): a new user gets its role, an existing one of the tenant takes it. */
  @ApiPropertyOptional({ pattern: INVITATION_TOKEN_PATTERN.source })
  @IsOptional()
  @Matches(INVITATION_TOKEN_PATTERN, { message: 'invitation must be an invitation token' })
  invitation?: string;

  @ApiPropertyOptional({
    description:
      'Where the identity provider sends the browser back with `code` and `state` (it must be registered there). Default: this API\'s callback. ' +
      'A front end that passes its own page here forwards `code`, `state` and `iss` to the callback route. Its origin must be PUBLIC_URL\'s or one of CORS_ORIGINS.',
  })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(500)
  redirectUri?: string;

  @ApiPropertyOptional({ enum: OIDC_AUTHORIZE_MODES, enumName: 'OidcAuthorizeMode', default: 'redirect', description: '`redirect`: answer 302 to the identity provider; `json`: answer 200 with the URL.' })
  @IsOptional()
  @IsIn(OIDC_AUTHORIZE_MODES)
  mode?: OidcAuthorizeMode;
}

export class OidcAuthorizationDto {
  @ApiProperty({ format: 'uri', description: "The identity provider's authorization URL (PKCE S256, state and nonce included): send the browser there." })
  authorizationUrl!: string;
}

/** The authorization response the identity provider sends back (RFC 6749 4.1.2, RFC 9207 `iss`). */
export class OidcCallbackQueryDto {
  @ApiPropertyOptional({ description: 'The authorization code (absent when `error` is set).' })
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  code?: string;

  @ApiProperty({ description: 'The `state` this API put in the authorization URL, unchanged.' })
  @IsString()
  @Length(1, 4096)
  state!: string;

  @ApiPropertyOptional({ description: 'Issuer of the response (RFC 9207).' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  iss?: string;

  @ApiPropertyOptional({ description: 'Session state (OpenID Connect Session Management); ignored.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  session_state?: string;

  @ApiPropertyOptional({ description: 'Error code from the identity provider (for instance `access_denied`).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  error?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  error_description?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  error_uri?: string;
}
