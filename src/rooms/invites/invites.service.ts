import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { transaction } from '../common/database/transaction';
import { AppException } from '../common/errors/app.exception';
import { Page, PageQueryDto, createdAtCursor, toPage } from '../common/pagination/pagination';
import { CreateInviteDto, RedeemInviteResultDto, RoomInviteDto } from './dto/room-extras.dto';
import { RoomAccess, RoomActor } from './room-access';
import { RoomEvents } from './room-events';
import { toInviteDto } from './room-extras.mapper';
import { RoomInvitesRepository } from './room-invites.repository';
import { JOIN_CODE_ALPHABET } from './rooms.constants';
import { RoomsRepository } from './rooms.repository';

/** Invite codes: 12 characters of the join-code alphabet (no 0/O/1/I/L), about 59 bits. */
export const INVITE_CODE_LENGTH = 12;
export const INVITE_CODE_PATTERN = /^[A-HJKMNP-Z2-9]{12}$/;
const CODE_ATTEMPTS = 10;

export function generateInviteCode(): string {
  let code = '';
  for (let i = 0; i < INVITE_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

export interface RedeemedInvite {
  result: RedeemInviteResultDto;
}

/** Room invites (issue 4 item 5): created by moderators, redeemed by any user of the tenant. */
@Injectable()
export class RoomInvitesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rooms: RoomsRepository,
    private readonly invites: RoomInvitesRepository,
    private readonly access: RoomAccess,
    private readonly events: RoomEvents,
    private readonly audit: AuditService,
  ) {}

  async list(actor: RoomActor, roomId: string, query: PageQueryDto): Promise<Page<RoomInviteDto>> {
    const { room } = await this.access.require(this.dataSource.manager, actor, roomId, 'manage-invites');
    const rows = await this.invites.findInvitesPage(actor.tenantId, room.id, query);
    return toPage(rows, query.limit, toInviteDto, createdAtCursor);
  }

  async create(actor: RoomActor, roomId: string, dto: CreateInviteDto): Promise<RoomInviteDto> {
    const expiresAt = dto.expiresAt !== undefined ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw AppException.invalidField('expiresAt', 'expiresAt must be in the future', 'inThePast');
    return transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'manage-invites');
      for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
        const invite = await this.invites.insertInviteIfCodeFree(tx.manager, {
          tenantId: actor.tenantId, roomId: room.id, code: generateInviteCode(), role: dto.role ?? 'MEMBER', expiresAt, maxUses: dto.maxUses ?? null,
          createdBy: actor.userId, updatedBy: actor.userId,
        });
        if (!invite) continue;
        await this.audit.record(tx.manager, {
          action: 'room.invite.create', resourceType: 'room-invite', resourceId: invite.id, tenantId: actor.tenantId, actorId: actor.userId,
          newValue: { roomId: room.id, role: invite.role, expiresAt: invite.expiresAt, maxUses: invite.maxUses },
        });
        return toInviteDto(invite);
      }
      throw new AppException(503, 'invite-code-exhausted', { detail: 'No free invite code was found; try again.' });
    });
  }

  /** Deactivates an invite (it stays listed, inactive). Deactivating an inactive invite is a no-op. */
  async deactivate(actor: RoomActor, roomId: string, inviteId: string): Promise<void> {
    await transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'manage-invites');
      const invite = await this.invites.findInvite(tx.manager, actor.tenantId, room.id, inviteId, true);
      if (!invite) throw AppException.notFound('Invite');
      if (!invite.active) return;
      await this.invites.deactivateInvite(tx.manager, actor.tenantId, invite.id, actor.userId);
      await this.audit.record(tx.manager, {
        action: 'room.invite.deactivate', resourceType: 'room-invite', resourceId: invite.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: { roomId: room.id, active: true, uses: invite.uses }, newValue: { active: false },
      });
    });
  }

  /**
   * Makes the actor a member with the invite's role. The use is counted by one conditional UPDATE
   * (`uses < max_uses`), so concurrent redeems never exceed the limit. Already a member: nothing
   * changes and no use is counted (joined: false).
   */
  async redeem(actor: RoomActor, code: string): Promise<RedeemInviteResultDto> {
    if (!INVITE_CODE_PATTERN.test(code)) throw AppException.notFound('Invite');
    return transaction(this.dataSource, async (tx) => {
      const invite = await this.invites.findInviteByCode(tx.manager, actor.tenantId, code);
      if (!invite) throw AppException.notFound('Invite');
      const existing = await this.rooms.findMembership(tx.manager, actor.tenantId, invite.roomId, actor.userId);
      if (existing) return { roomId: invite.roomId, role: existing.role, joined: false };
      if (!invite.active) throw new AppException(410, 'invite-inactive', { detail: 'This invite was deactivated.' });
      if (invite.expiresAt && invite.expiresAt.getTime() <= Date.now()) throw new AppException(410, 'invite-expired', { detail: 'This invite has expired.' });
      if (!(await this.invites.countInviteUse(tx.manager, actor.tenantId, invite.id))) throw AppException.conflict('This invite has been used up.', 'invite-used-up');
      const added = await this.rooms.insertMember(tx.manager, { tenantId: actor.tenantId, roomId: invite.roomId, userId: actor.userId, role: invite.role });
      if (!added) throw AppException.conflict('You joined the room meanwhile; try again.', 'already-a-member');
      await this.audit.record(tx.manager, {
        action: 'room.invite.redeem', resourceType: 'room', resourceId: invite.roomId, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { inviteId: invite.id, userId: actor.userId, role: invite.role },
      });
      tx.afterCommit(() => this.events.emit('member.added', { tenantId: actor.tenantId, roomId: invite.roomId, userId: actor.userId, role: invite.role }));
      return { roomId: invite.roomId, role: invite.role, joined: true };
    });
  }
}
