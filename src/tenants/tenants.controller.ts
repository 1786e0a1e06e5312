import { Body, Controller, Delete, Get, Param, Patch, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/http/uuid-param';
import { Page, PageOf } from '../common/pagination/pagination';
import { TenantDto, TenantOidcInputDto, TenantQueryDto, UpdateTenantDto } from './dto/tenant.dto';
import { TenantsService } from './tenants.service';
import { Endpoint } from '../common/http/endpoint.decorator';

const TenantPage = PageOf(TenantDto);

@ApiTags('tenants')
@Controller('tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Get('current')
  @Endpoint({ summary: "The caller's tenant", access: 'authenticated', ok: TenantDto })
  getCurrentTenant(@CurrentPrincipal() principal: Principal): Promise<TenantDto> {
    return this.tenants.get(principal.tenantId);
  }

  @Get()
  @Endpoint({ summary: 'List tenants (platform admins)', access: 'platform-admin', ok: TenantPage })
  listTenants(@Query() query: TenantQueryDto): Promise<Page<TenantDto>> {
    return this.tenants.list(query);
  }

  @Get(':id')
  @Endpoint({ summary: 'Get a tenant (platform admins)', access: 'platform-admin', ok: TenantDto, problems: [404] })
  getTenant(@Param('id', uuidParam('id')) id: string): Promise<TenantDto> {
    return this.tenants.get(id);
  }

  @Patch(':id')
  @Endpoint({ summary: 'Rename, disable or enable a tenant (platform admins)', access: 'platform-admin', ok: TenantDto, problems: [404, 409] })
  updateTenant(@Param('id', uuidParam('id')) id: string, @Body() dto: UpdateTenantDto): Promise<TenantDto> {
    return this.tenants.update(id, dto);
  }

  @Put(':id/oidc')
  @Endpoint({ summary: "Set the tenant's OpenID Connect provider (platform admins)", access: 'platform-admin', ok: TenantDto, problems: [404] })
  setTenantOidc(@Param('id', uuidParam('id')) id: string, @Body() dto: TenantOidcInputDto): Promise<TenantDto> {
    return this.tenants.setOidc(id, dto);
  }

  @Delete(':id/oidc')
  @Endpoint({ summary: "Remove the tenant's OpenID Connect provider (platform admins)", access: 'platform-admin', ok: TenantDto, problems: [404] })
  deleteTenantOidc(@Param('id', uuidParam('id')) id: string): Promise<TenantDto> {
    return this.tenants.setOidc(id, null);
  }
}
