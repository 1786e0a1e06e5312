import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { Page, PageOf } from '../common/pagination/pagination';
import { PolicyIdPipe } from './access.params';
import { CheckPolicyDto, CreatePolicyDto, PolicyCheckDto, PolicyDto, PolicyQueryDto } from './dto/policy.dto';
import { PoliciesService } from './policies.service';
import { Endpoint } from '../common/http/endpoint.decorator';

const PolicyPage = PageOf(PolicyDto);

@ApiTags('access')
@Controller('policies')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Get()
  @Endpoint({ summary: "List the policies of the caller's tenant", access: ['policies', 'read'], ok: PolicyPage })
  listPolicies(@CurrentPrincipal() principal: Principal, @Query() query: PolicyQueryDto): Promise<Page<PolicyDto>> {
    return this.policies.list(principal.tenantId, query);
  }

  @Post()
  @Endpoint({ summary: 'Add a policy (allow or deny) to the caller\'s tenant', access: ['policies', 'manage'], created: PolicyDto, problems: [409] })
  createPolicy(@CurrentPrincipal() principal: Principal, @Body() dto: CreatePolicyDto): Promise<PolicyDto> {
    return this.policies.create(principal, dto);
  }

  @Post('check')
  @Endpoint({
    summary: 'May a subject do an action on an object in this tenant, and which rule decides?',
    access: ['policies', 'read'],
    ok: PolicyCheckDto,
  })
  checkPolicy(@CurrentPrincipal() principal: Principal, @Body() dto: CheckPolicyDto): Promise<PolicyCheckDto> {
    return this.policies.check(principal.tenantId, dto);
  }

  @Delete(':id')
  @Endpoint({ summary: 'Remove a policy', access: ['policies', 'manage'], noContent: 'Removed.', problems: [404] })
  @ApiParam({ name: 'id', type: Number, description: 'Policy id.' })
  deletePolicy(@CurrentPrincipal() principal: Principal, @Param('id', PolicyIdPipe) id: number): Promise<void> {
    return this.policies.delete(principal, id);
  }
}
