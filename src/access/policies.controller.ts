import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { Page, PageOf } from '../common/pagination/pagination';
import { PolicyIdPipe } from './access.params';
import { CheckPolicyDto, CreatePolicyDto, PolicyCheckDto, PolicyDto, PolicyQueryDto } from './dto/policy.dto';
import { PoliciesService } from './policies.service';

const PolicyPage = PageOf(PolicyDto);

@ApiTags('access')
@Controller('policies')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Get()
  @Authorize('policies', 'read')
  @ApiOperation({ summary: "List the policies of the caller's tenant" })
  @ApiOkResponse({ type: PolicyPage })
  @ApiProblems(400)
  listPolicies(@CurrentPrincipal() principal: Principal, @Query() query: PolicyQueryDto): Promise<Page<PolicyDto>> {
    return this.policies.list(principal.tenantId, query);
  }

  @Post()
  @Authorize('policies', 'manage')
  @ApiOperation({ summary: 'Add a policy (allow or deny) to the caller\'s tenant' })
  @ApiCreatedResponse({ type: PolicyDto })
  @ApiProblems(400, 409)
  createPolicy(@CurrentPrincipal() principal: Principal, @Body() dto: CreatePolicyDto): Promise<PolicyDto> {
    return this.policies.create(principal.tenantId, dto);
  }

  @Post('check')
  @HttpCode(HttpStatus.OK)
  @Authorize('policies', 'read')
  @ApiOperation({ summary: 'May a subject do an action on an object in this tenant, and which rule decides?' })
  @ApiOkResponse({ type: PolicyCheckDto })
  @ApiProblems(400)
  checkPolicy(@CurrentPrincipal() principal: Principal, @Body() dto: CheckPolicyDto): Promise<PolicyCheckDto> {
    return this.policies.check(principal.tenantId, dto);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Authorize('policies', 'manage')
  @ApiOperation({ summary: 'Remove a policy' })
  @ApiParam({ name: 'id', type: Number, description: 'Policy id.' })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems(400, 404)
  deletePolicy(@CurrentPrincipal() principal: Principal, @Param('id', PolicyIdPipe) id: number): Promise<void> {
    return this.policies.delete(principal.tenantId, id);
  }
}
