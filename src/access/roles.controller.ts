import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { Page, PageOf, PageQueryDto } from '../common/pagination/pagination';
import { MemberSubjectPipe, RoleNamePipe } from './access.params';
import { CreateRoleAssignmentDto, CreateRoleDto, RoleAssignmentDto, RoleDto } from './dto/role.dto';
import { RolesService } from './roles.service';
import { Endpoint } from '../common/http/endpoint.decorator';

const RoleAssignmentPage = PageOf(RoleAssignmentDto);

@ApiTags('access')
@Controller('roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @Endpoint({ summary: "List the roles of the caller's tenant (at most 100)", access: ['roles', 'read'], ok: [RoleDto] })
  listRoles(@CurrentPrincipal() principal: Principal): Promise<RoleDto[]> {
    return this.roles.list(principal.tenantId);
  }

  @Post()
  @Endpoint({ summary: 'Create a role (grant it rights with POST /policies)', access: ['roles', 'manage'], created: RoleDto, problems: [409] })
  createRole(@CurrentPrincipal() principal: Principal, @Body() dto: CreateRoleDto): Promise<RoleDto> {
    return this.roles.create(principal.tenantId, dto);
  }

  @Delete(':name')
  @Endpoint({
    summary: 'Delete a custom role with its policies and assignments',
    access: ['roles', 'manage'],
    noContent: 'Deleted.',
    problems: [404, 409],
  })
  @ApiParam({ name: 'name', type: String })
  deleteRole(@CurrentPrincipal() principal: Principal, @Param('name', RoleNamePipe) name: string): Promise<void> {
    return this.roles.delete(principal, name);
  }

  @Get(':name/assignments')
  @Endpoint({ summary: 'List the users and groups holding a role directly', access: ['roles', 'read'], ok: RoleAssignmentPage, problems: [404] })
  @ApiParam({ name: 'name', type: String })
  listRoleAssignments(
    @CurrentPrincipal() principal: Principal,
    @Param('name', RoleNamePipe) name: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<RoleAssignmentDto>> {
    return this.roles.listAssignments(principal.tenantId, name, query);
  }

  @Post(':name/assignments')
  @Endpoint({ summary: 'Give a role to a user or a group', access: ['roles', 'manage'], created: RoleAssignmentDto, problems: [404, 409] })
  @ApiParam({ name: 'name', type: String })
  addRoleAssignment(
    @CurrentPrincipal() principal: Principal,
    @Param('name', RoleNamePipe) name: string,
    @Body() dto: CreateRoleAssignmentDto,
  ): Promise<RoleAssignmentDto> {
    return this.roles.addAssignment(principal, name, dto);
  }

  @Delete(':name/assignments/:subject')
  @Endpoint({ summary: 'Take a role from a user or a group', access: ['roles', 'manage'], noContent: 'Removed.', problems: [404] })
  @ApiParam({ name: 'name', type: String })
  @ApiParam({ name: 'subject', type: String, description: '`user:<uuid>` or `group:<uuid>`.' })
  removeRoleAssignment(
    @CurrentPrincipal() principal: Principal,
    @Param('name', RoleNamePipe) name: string,
    @Param('subject', MemberSubjectPipe) subject: string,
  ): Promise<void> {
    return this.roles.removeAssignment(principal, name, subject);
  }
}
