import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/http/uuid-param';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { Page, PageOf, PageQueryDto } from '../common/pagination/pagination';
import { AddRoomMemberDto, RoomMemberDto, UpdateRoomMemberDto } from './dto/room-member.dto';
import { RoomsService } from './rooms.service';

const RoomMemberPage = PageOf(RoomMemberDto);

@ApiTags('rooms')
@Controller('rooms/:id')
export class RoomMembersController {
  constructor(private readonly rooms: RoomsService) {}

  @Get('members')
  @Authorize('rooms', 'read')
  @ApiOperation({ summary: 'List the members of a room (by join time)' })
  @ApiOkResponse({ type: RoomMemberPage })
  @ApiProblems(400, 404)
  listRoomMembers(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto): Promise<Page<RoomMemberDto>> {
    return this.rooms.listMembers(p, id, query);
  }

  @Post('members')
  @Authorize('rooms', 'update')
  @ApiOperation({ summary: "Add a user of the caller's tenant to a room (moderators; MODERATOR only by the owner)" })
  @ApiCreatedResponse({ type: RoomMemberDto })
  @ApiProblems(400, 404, 409)
  addRoomMember(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: AddRoomMemberDto): Promise<RoomMemberDto> {
    return this.rooms.addMember(p, id, dto);
  }

  @Patch('members/:userId')
  @Authorize('rooms', 'update')
  @ApiOperation({ summary: "Change a member's room role (moderators; anything involving MODERATOR only by the owner)" })
  @ApiOkResponse({ type: RoomMemberDto })
  @ApiProblems(400, 404, 409)
  updateRoomMember(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Param('userId', uuidParam('userId')) userId: string,
    @Body() dto: UpdateRoomMemberDto,
  ): Promise<RoomMemberDto> {
    return this.rooms.updateMember(p, id, userId, dto);
  }

  @Delete('members/:userId')
  @HttpCode(204)
  @Authorize('rooms', 'update')
  @ApiOperation({ summary: 'Remove a member (moderators remove members and guests; the owner anyone but itself)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 404, 409)
  removeRoomMember(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('userId', uuidParam('userId')) userId: string): Promise<void> {
    return this.rooms.removeMember(p, id, userId);
  }

  @Post('leave')
  @HttpCode(204)
  @Authorize('rooms', 'read')
  @ApiOperation({ summary: 'Leave a room (the owner must transfer ownership first)' })
  @ApiNoContentResponse({ description: 'Left' })
  @ApiProblems(400, 404, 409)
  leaveRoom(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.rooms.leave(p, id);
  }
}
