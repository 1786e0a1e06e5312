import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/http/uuid-param';
import { Page, PageOf, PageQueryDto } from '../common/pagination/pagination';
import { AddGroupMemberDto, CreateGroupDto, GroupDto, GroupMemberDto, GroupQueryDto, UpdateGroupDto } from './dto/group.dto';
import { GroupsService } from './groups.service';
import { Endpoint } from '../common/http/endpoint.decorator';

const GroupPage = PageOf(GroupDto);
const GroupMemberPage = PageOf(GroupMemberDto);

@ApiTags('groups')
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @Endpoint({ summary: "List the groups of the caller's tenant", access: ['groups', 'read'], ok: GroupPage })
  listGroups(@CurrentPrincipal() p: Principal, @Query() query: GroupQueryDto): Promise<Page<GroupDto>> {
    return this.groups.list(p.tenantId, query);
  }

  @Post()
  @Endpoint({ summary: 'Create a group', access: ['groups', 'manage'], created: GroupDto, problems: [409] })
  createGroup(@CurrentPrincipal() p: Principal, @Body() dto: CreateGroupDto): Promise<GroupDto> {
    return this.groups.create(p, dto);
  }

  @Get(':id')
  @Endpoint({ summary: 'Get a group', access: ['groups', 'read'], ok: GroupDto, problems: [404] })
  getGroup(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<GroupDto> {
    return this.groups.get(p.tenantId, id);
  }

  @Patch(':id')
  @Endpoint({ summary: 'Rename or describe a group', access: ['groups', 'manage'], ok: GroupDto, problems: [404, 409] })
  updateGroup(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: UpdateGroupDto): Promise<GroupDto> {
    return this.groups.update(p, id, dto);
  }

  @Delete(':id')
  @Endpoint({ summary: 'Delete a group and its role assignments', access: ['groups', 'manage'], noContent: 'Deleted', problems: [404] })
  deleteGroup(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.groups.remove(p, id);
  }

  @Get(':id/members')
  @Endpoint({ summary: 'List the members of a group', access: ['groups', 'read'], ok: GroupMemberPage, problems: [404] })
  listGroupMembers(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto): Promise<Page<GroupMemberDto>> {
    return this.groups.listMembers(p.tenantId, id, query);
  }

  @Post(':id/members')
  @Endpoint({ summary: 'Add a user of the tenant to a group', access: ['groups', 'manage'], created: GroupMemberDto, problems: [404, 409] })
  addGroupMember(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: AddGroupMemberDto): Promise<GroupMemberDto> {
    return this.groups.addMember(p, id, dto.userId);
  }

  @Delete(':id/members/:userId')
  @Endpoint({ summary: 'Remove a user from a group', access: ['groups', 'manage'], noContent: 'Removed', problems: [404] })
  removeGroupMember(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('userId', uuidParam('userId')) userId: string): Promise<void> {
    return this.groups.removeMember(p, id, userId);
  }
}
