import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { Page, PageOf, PageQueryDto } from '../common/pagination/pagination';
import { MemberSubjectPipe, RoleNamePipe } from './access.params';
import { CreateRoleAssignmentDto, CreateRoleDto, RoleAssignmentDto, RoleDto } from './dto/role.dto';
import { RolesService } from './roles.service';

const RoleAssignmentPage = PageOf(RoleAssignmentDto);

@ApiTags('access')
@Controller('roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @Authorize('roles', 'read')
  @ApiOperation({ summary: "List the roles of the caller's tenant (at most 100)" })
  @ApiOkResponse({ type: [RoleDto] })
  listRoles(@CurrentPrincipal() principal: Principal): Promise<RoleDto[]> {
    return this.roles.list(principal.tenantId);
  }

  @Post()
  @Authorize('roles', 'manage')
  @ApiOperation({ summary: 'Create a role (grant it rights with POST /policies)' })
  @ApiCreatedResponse({ type: RoleDto })
  @ApiProblems(400, 409)
  createRole(@CurrentPrincipal() principal: Principal, @Body() dto: CreateRoleDto): Promise<RoleDto> {
    return this.roles.create(principal.tenantId, dto);
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Authorize('roles', 'manage')
  @ApiOperation({ summary: 'Delete a custom role with its policies and assignments' })
  @ApiParam({ name: 'name', type: String })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(400, 404, 409)
  deleteRole(@CurrentPrincipal() principal: Principal, @Param('name', RoleNamePipe) name: string): Promise<void> {
    return this.roles.delete(principal.tenantId, name);
  }

  @Get(':name/assignments')
  @Authorize('roles', 'read')
  @ApiOperation({ summary: 'List the users and groups holding a role directly' })
  @ApiParam({ name: 'name', type: String })
  @ApiOkResponse({ type: RoleAssignmentPage })
  @ApiProblems(400, 404)
  listRoleAssignments(
    @CurrentPrincipal() principal: Principal,
    @Param('name', RoleNamePipe) name: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<RoleAssignmentDto>> {
    return this.roles.listAssignments(principal.tenantId, name, query);
  }

  @Post(':name/assignments')
  @Authorize('roles', 'manage')
  @ApiOperation({ summary: 'Give a role to a user or a group' })
  @ApiParam({ name: 'name', type: String })
  @ApiCreatedResponse({ type: RoleAssignmentDto })
  @ApiProblems(400, 404, 409)
  addRoleAssignment(
    @CurrentPrincipal() principal: Principal,
    @Param('name', RoleNamePipe) name: string,
    @Body() dto: CreateRoleAssignmentDto,
  ): Promise<RoleAssignmentDto> {
    return this.roles.addAssignment(principal.tenantId, name, dto);
  }

  @Delete(':name/assignments/:subject')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Authorize('roles', 'manage')
  @ApiOperation({ summary: 'Take a role from a user or a group' })
  @ApiParam({ name: 'name', type: String })
  @ApiParam({ name: 'subject', type: String, description: '`user:<uuid>` or `group:<uuid>`.' })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems(400, 404)
  removeRoleAssignment(
    @CurrentPrincipal() principal: Principal,
    @Param('name', RoleNamePipe) name: string,
    @Param('subject', MemberSubjectPipe) subject: string,
  ): Promise<void> {
    return this.roles.removeAssignment(principal.tenantId, name, subject);
  }
}
