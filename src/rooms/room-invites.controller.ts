import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/http/uuid-param';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { PageOf, PageQueryDto } from '../common/pagination/pagination';
import { CreateInviteDto, RedeemInviteResultDto, RoomInviteDto } from './dto/room-extras.dto';
import { RoomInvitesService } from './room-invites.service';

const RoomInvitePage = PageOf(RoomInviteDto);

@ApiTags('rooms')
@Controller()
export class RoomInvitesController {
  constructor(private readonly invites: RoomInvitesService) {}

  @Get('rooms/:id/invites')
  @Authorize('invites', 'read')
  @ApiOperation({ summary: "List a room's invites, active or not (moderators and the owner)" })
  @ApiOkResponse({ type: RoomInvitePage })
  @ApiProblems(400, 404)
  listRoomInvites(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto) {
    return this.invites.list(p, id, query);
  }

  @Post('rooms/:id/invites')
  @Authorize('invites', 'create')
  @ApiOperation({ summary: 'Create an invite code (moderators and the owner)' })
  @ApiCreatedResponse({ type: RoomInviteDto })
  @ApiProblems(400, 404)
  createRoomInvite(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: CreateInviteDto): Promise<RoomInviteDto> {
    return this.invites.create(p, id, dto);
  }

  @Delete('rooms/:id/invites/:inviteId')
  @HttpCode(204)
  @Authorize('invites', 'delete')
  @ApiOperation({ summary: 'Deactivate an invite (it stays listed as inactive)' })
  @ApiNoContentResponse({ description: 'Deactivated' })
  @ApiProblems(400, 404)
  deactivateRoomInvite(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('inviteId', uuidParam('inviteId')) inviteId: string): Promise<void> {
    return this.invites.deactivate(p, id, inviteId);
  }

  @Post('invites/:code/redeem')
  @Authorize('invites', 'create')
  @ApiOperation({ summary: "Join a room of the caller's tenant with an invite code; already a member: 200, nothing changes" })
  @ApiCreatedResponse({ type: RedeemInviteResultDto, description: 'Joined' })
  @ApiOkResponse({ type: RedeemInviteResultDto, description: 'Already a member: nothing changed, no use counted' })
  @ApiProblems(400, 404, 409, 410)
  async redeemInvite(@CurrentPrincipal() p: Principal, @Param('code') code: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<RedeemInviteResultDto> {
    const result = await this.invites.redeem(p, code);
    reply.status(result.joined ? 201 : 200);
    return result;
  }
}
