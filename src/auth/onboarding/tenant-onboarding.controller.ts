import { Body, Controller, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { CreateTenantWithAdminDto, CreatedTenantDto } from './tenant-onboarding.dto';
import { TenantOnboardingService } from './tenant-onboarding.service';

/**
 * `POST /tenants`: here rather than in the tenants module because it may make the first admin's
 * account or invitation (the tenants module depends on no users).
 */
@ApiTags('tenants')
@Controller('tenants')
export class TenantOnboardingController {
  constructor(private readonly onboarding: TenantOnboardingService) {}

  @Post()
  @Endpoint({
    summary: 'Create a tenant with its default roles and policies, and optionally its first admin (an account, or an invitation) (platform admins)',
    access: 'platform-admin',
    created: CreatedTenantDto,
    problems: [409],
  })
  createTenant(@CurrentPrincipal() p: Principal, @Body() dto: CreateTenantWithAdminDto): Promise<CreatedTenantDto> {
    return this.onboarding.create(p, dto);
  }
}
