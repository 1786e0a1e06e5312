import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/pagination';
import { TenantEntity } from '../entities/tenant.entity';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export class TenantOidcDto {
  @ApiProperty({ example: 'https://login.example.com/realms/acme' }) issuer!: string;
  clientId!: string;
  @ApiProperty({ description: 'Whether a client secret is stored (it is never returned).' }) hasClientSecret!: boolean;
}

export class TenantDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  name!: string;
  @ApiProperty({ example: 'acme' }) slug!: string;
  isDefault!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) disabledAt!: string | null;
  @ApiPropertyOptional({ type: TenantOidcDto, nullable: true }) oidc!: TenantOidcDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class TenantOidcInputDto {
  @ApiProperty({ description: 'OpenID Connect issuer URL (discovery at /.well-known/openid-configuration).' })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(500)
  issuer!: string;

  @IsString() @Length(1, 255) clientId!: string;

  @ApiPropertyOptional({ description: 'Stored encrypted; never returned.' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  clientSecret?: string;
}

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Corp' }) @IsString() @Length(1, 200) name!: string;

  @ApiProperty({ example: 'acme', pattern: SLUG.source, description: 'Lowercase letters, digits and dashes; unique.' })
  @Matches(SLUG, { message: 'slug must be 1 to 63 lowercase letters, digits or dashes, starting with a letter or digit' })
  slug!: string;
}

export class UpdateTenantDto {
  @IsOptional() @IsString() @Length(1, 200) name?: string;

  @ApiPropertyOptional({ description: 'true disables the tenant: its users are refused on every request.' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class TenantQueryDto extends PageQueryDto {}

export function toTenantDto(t: TenantEntity): TenantDto {
  return {
    id: t.id,
    name: t.name,
    slug: t.slug,
    isDefault: t.isDefault,
    disabledAt: t.disabledAt?.toISOString() ?? null,
    oidc: t.oidcIssuer && t.oidcClientId ? { issuer: t.oidcIssuer, clientId: t.oidcClientId, hasClientSecret: Boolean(t.oidcClientSecretEnc) } : null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
