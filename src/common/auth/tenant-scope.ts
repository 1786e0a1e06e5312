import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { AppException } from '../errors/app.exception';
import type { Principal } from './principal';

/**
 * `?tenantId=`: the tenant a request acts in. Platform admins may name any tenant; everyone else
 * acts in its own tenant only (naming it is allowed, naming another is a 403).
 */
export class TenantScopeQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: "Act in this tenant instead of the caller's own (platform admins only; others get 403 when it is not their tenant).",
  })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

/** The tenant a request acts in: the caller's own, or (platform admins only) the one it names. */
export function scopedTenant(principal: Principal, requested: string | undefined): string {
  if (requested === undefined || requested === principal.tenantId) return principal.tenantId;
  if (principal.role !== 'admin') {
    throw AppException.forbidden('Only platform admins act in another tenant.', 'forbidden');
  }
  return requested;
}
