import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/http/uuid-param';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { Page, PageOf, PageQueryDto } from '../common/pagination/pagination';
import { AddGroupMemberDto, CreateGroupDto, GroupDto, GroupMemberDto, GroupQueryDto, UpdateGroupDto } from './dto/group.dto';
import { GroupsService } from './groups.service';

const GroupPage = PageOf(GroupDto);
const GroupMemberPage = PageOf(GroupMemberDto);

@ApiTags('groups')
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @Authorize('groups', 'read')
  @ApiOperation({ summary: "List the groups of the caller's tenant" })
  @ApiOkResponse({ type: GroupPage })
  @ApiProblems(400)
  listGroups(@CurrentPrincipal() p: Principal, @Query() query: GroupQueryDto): Promise<Page<GroupDto>> {
    return this.groups.list(p.tenantId, query);
  }

  @Post()
  @Authorize('groups', 'manage')
  @ApiOperation({ summary: 'Create a group' })
  @ApiCreatedResponse({ type: GroupDto })
  @ApiProblems(400, 409)
  createGroup(@CurrentPrincipal() p: Principal, @Body() dto: CreateGroupDto): Promise<GroupDto> {
    return this.groups.create(p, dto);
  }

  @Get(':id')
  @Authorize('groups', 'read')
  @ApiOperation({ summary: 'Get a group' })
  @ApiOkResponse({ type: GroupDto })
  @ApiProblems(400, 404)
  getGroup(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<GroupDto> {
    return this.groups.get(p.tenantId, id);
  }

  @Patch(':id')
  @Authorize('groups', 'manage')
  @ApiOperation({ summary: 'Rename or describe a group' })
  @ApiOkResponse({ type: GroupDto })
  @ApiProblems(400, 404, 409)
  updateGroup(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: UpdateGroupDto): Promise<GroupDto> {
    return this.groups.update(p, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('groups', 'manage')
  @ApiOperation({ summary: 'Delete a group and its role assignments' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  deleteGroup(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.groups.remove(p, id);
  }

  @Get(':id/members')
  @Authorize('groups', 'read')
  @ApiOperation({ summary: 'List the members of a group' })
  @ApiOkResponse({ type: GroupMemberPage })
  @ApiProblems(400, 404)
  listGroupMembers(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto): Promise<Page<GroupMemberDto>> {
    return this.groups.listMembers(p.tenantId, id, query);
  }

  @Post(':id/members')
  @Authorize('groups', 'manage')
  @ApiOperation({ summary: 'Add a user of the tenant to a group' })
  @ApiCreatedResponse({ type: GroupMemberDto })
  @ApiProblems(400, 404, 409)
  addGroupMember(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: AddGroupMemberDto): Promise<GroupMemberDto> {
    return this.groups.addMember(p, id, dto.userId);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @Authorize('groups', 'manage')
  @ApiOperation({ summary: 'Remove a user from a group' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 404)
  removeGroupMember(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('userId', uuidParam('userId')) userId: string): Promise<void> {
    return this.groups.removeMember(p, id, userId);
  }
}
