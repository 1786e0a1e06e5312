import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, PlatformAdmin } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/http/uuid-param';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { Page, PageOf } from '../common/pagination/pagination';
import { CreateTenantDto, TenantDto, TenantOidcInputDto, TenantQueryDto, UpdateTenantDto } from './dto/tenant.dto';
import { TenantsService } from './tenants.service';

const TenantPage = PageOf(TenantDto);

@ApiTags('tenants')
@Controller('tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Get('current')
  @Authenticated()
  @ApiOperation({ summary: "The caller's tenant" })
  @ApiOkResponse({ type: TenantDto })
  getCurrentTenant(@CurrentPrincipal() principal: Principal): Promise<TenantDto> {
    return this.tenants.get(principal.tenantId);
  }

  @Get()
  @PlatformAdmin()
  @ApiOperation({ summary: 'List tenants (platform admins)' })
  @ApiOkResponse({ type: TenantPage })
  @ApiProblems(400)
  listTenants(@Query() query: TenantQueryDto): Promise<Page<TenantDto>> {
    return this.tenants.list(query);
  }

  @Post()
  @PlatformAdmin()
  @ApiOperation({ summary: 'Create a tenant with its default roles and policies (platform admins)' })
  @ApiCreatedResponse({ type: TenantDto })
  @ApiProblems(400, 409)
  createTenant(@Body() dto: CreateTenantDto): Promise<TenantDto> {
    return this.tenants.create(dto);
  }

  @Get(':id')
  @PlatformAdmin()
  @ApiOperation({ summary: 'Get a tenant (platform admins)' })
  @ApiOkResponse({ type: TenantDto })
  @ApiProblems(400, 404)
  getTenant(@Param('id', uuidParam('id')) id: string): Promise<TenantDto> {
    return this.tenants.get(id);
  }

  @Patch(':id')
  @PlatformAdmin()
  @ApiOperation({ summary: 'Rename, disable or enable a tenant (platform admins)' })
  @ApiOkResponse({ type: TenantDto })
  @ApiProblems(400, 404, 409)
  updateTenant(@Param('id', uuidParam('id')) id: string, @Body() dto: UpdateTenantDto): Promise<TenantDto> {
    return this.tenants.update(id, dto);
  }

  @Put(':id/oidc')
  @PlatformAdmin()
  @ApiOperation({ summary: "Set the tenant's OpenID Connect provider (platform admins)" })
  @ApiOkResponse({ type: TenantDto })
  @ApiProblems(400, 404)
  setTenantOidc(@Param('id', uuidParam('id')) id: string, @Body() dto: TenantOidcInputDto): Promise<TenantDto> {
    return this.tenants.setOidc(id, dto);
  }

  @Delete(':id/oidc')
  @HttpCode(200)
  @PlatformAdmin()
  @ApiOperation({ summary: "Remove the tenant's OpenID Connect provider (platform admins)" })
  @ApiOkResponse({ type: TenantDto })
  @ApiProblems(400, 404)
  deleteTenantOidc(@Param('id', uuidParam('id')) id: string): Promise<TenantDto> {
    return this.tenants.setOidc(id, null);
  }
}
