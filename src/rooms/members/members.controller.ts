import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { uuidParam } from '../../common/http/uuid-param';
import { Page, PageOf, PageQueryDto } from '../../common/pagination/pagination';
import { RoomMembersService } from './members.service';
import { AddRoomMemberDto, RoomMemberDto, UpdateRoomMemberDto } from './room-member.dto';
import { Endpoint } from '../../common/http/endpoint.decorator';

const RoomMemberPage = PageOf(RoomMemberDto);

@ApiTags('rooms')
@Controller('rooms/:id')
export class RoomMembersController {
  constructor(private readonly members: RoomMembersService) {}

  @Get('members')
  @Endpoint({ summary: 'List the members of a room (by join time)', access: ['rooms', 'read'], ok: RoomMemberPage, problems: [404] })
  listRoomMembers(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto): Promise<Page<RoomMemberDto>> {
    return this.members.list(p, id, query);
  }

  @Post('members')
  @Endpoint({
    summary: "Add a user of the caller's tenant to a room (moderators; MODERATOR only by the owner)",
    access: ['rooms', 'update'],
    created: RoomMemberDto,
    problems: [404, 409],
  })
  addRoomMember(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: AddRoomMemberDto): Promise<RoomMemberDto> {
    return this.members.add(p, id, dto);
  }

  @Patch('members/:userId')
  @Endpoint({
    summary: "Change a member's room role (moderators; anything involving MODERATOR only by the owner)",
    access: ['rooms', 'update'],
    ok: RoomMemberDto,
    problems: [404, 409],
  })
  updateRoomMember(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Param('userId', uuidParam('userId')) userId: string,
    @Body() dto: UpdateRoomMemberDto,
  ): Promise<RoomMemberDto> {
    return this.members.update(p, id, userId, dto);
  }

  @Delete('members/:userId')
  @Endpoint({
    summary: 'Remove a member (moderators remove members and guests; the owner anyone but itself)',
    access: ['rooms', 'update'],
    noContent: 'Removed',
    problems: [404, 409],
  })
  removeRoomMember(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('userId', uuidParam('userId')) userId: string): Promise<void> {
    return this.members.remove(p, id, userId);
  }

  @Post('leave')
  @Endpoint({
    summary: 'Leave a room (the owner must transfer ownership first)',
    access: ['rooms', 'read'],
    noContent: 'Left',
    problems: [404, 409],
  })
  leaveRoom(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.members.leave(p, id);
  }
}
