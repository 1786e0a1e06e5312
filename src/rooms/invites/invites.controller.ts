import { Body, Controller, Delete, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { uuidParam } from '../../common/http/uuid-param';
import { PageOf, PageQueryDto } from '../../common/pagination/pagination';
import { RoomInvitesService } from './invites.service';
import { CreateInviteDto, RedeemInviteResultDto, RoomInviteDto } from './room-invite.dto';
import { Endpoint } from '../../common/http/endpoint.decorator';

const RoomInvitePage = PageOf(RoomInviteDto);

@ApiTags('rooms')
@Controller()
export class RoomInvitesController {
  constructor(private readonly invites: RoomInvitesService) {}

  @Get('rooms/:id/invites')
  @Endpoint({
    summary: "List a room's invites, active or not (moderators and the owner)",
    access: ['invites', 'read'],
    ok: RoomInvitePage,
    problems: [404],
  })
  listRoomInvites(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto) {
    return this.invites.list(p, id, query);
  }

  @Post('rooms/:id/invites')
  @Endpoint({ summary: 'Create an invite code (moderators and the owner)', access: ['invites', 'create'], created: RoomInviteDto, problems: [404] })
  createRoomInvite(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Body() dto: CreateInviteDto): Promise<RoomInviteDto> {
    return this.invites.create(p, id, dto);
  }

  @Delete('rooms/:id/invites/:inviteId')
  @Endpoint({
    summary: 'Deactivate an invite (it stays listed as inactive)',
    access: ['invites', 'delete'],
    noContent: 'Deactivated',
    problems: [404],
  })
  deactivateRoomInvite(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string, @Param('inviteId', uuidParam('inviteId')) inviteId: string): Promise<void> {
    return this.invites.deactivate(p, id, inviteId);
  }

  @Post('invites/:code/redeem')
  @Endpoint({
    summary: "Join a room of the caller's tenant with an invite code; already a member: 200, nothing changes",
    access: ['invites', 'create'],
    ok: { type: RedeemInviteResultDto, description: 'Already a member: nothing changed, no use counted' },
    created: { type: RedeemInviteResultDto, description: 'Joined' },
    problems: [404, 409, 410],
  })
  async redeemInvite(@CurrentPrincipal() p: Principal, @Param('code') code: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<RedeemInviteResultDto> {
    const result = await this.invites.redeem(p, code);
    reply.status(result.joined ? 201 : 200);
    return result;
  }
}
