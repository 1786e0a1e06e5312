import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { randomCode, withFreshCode } from '../../common/crypto/codes';
import { Transactions } from '../../common/database/transactions';
import { AppException } from '../../common/errors/app.exception';
import { DomainEvents } from '../../common/events/domain-events';
import { Page, PageQueryDto, createdAtCursor, toPage } from '../../common/pagination/pagination';
import { RoomAccess, RoomActor } from '../core/room-access';
import { CODE_ATTEMPTS, JOIN_CODE_ALPHABET } from '../core/rooms.constants';
import { RoomMembersRepository } from '../members/members.repository';
import { toInviteDto } from './invites.mapper';
import { RoomInvitesRepository } from './invites.repository';
import { CreateInviteDto, RedeemInviteResultDto, RoomInviteDto } from './room-invite.dto';

/** Invite codes: 12 characters of the join-code alphabet (no 0/O/1/I/L), about 59 bits. */
export const INVITE_CODE_LENGTH = 12;
export const INVITE_CODE_PATTERN = /^[A-HJKMNP-Z2-9]{12}$/;

const generateInviteCode = (): string => randomCode(JOIN_CODE_ALPHABET, INVITE_CODE_LENGTH);

/** Room invites: created by moderators, redeemed by any user of the tenant. */
@Injectable()
export class RoomInvitesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly invites: RoomInvitesRepository,
    private readonly members: RoomMembersRepository,
    private readonly access: RoomAccess,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
  ) {}

  async list(actor: RoomActor, roomId: string, query: PageQueryDto): Promise<Page<RoomInviteDto>> {
    const { room } = await this.access.require(actor, roomId, 'manage-invites');
    const rows = await this.invites.findInvitesPage(actor.tenantId, room.id, query);
    return toPage(rows, query.limit, toInviteDto, createdAtCursor);
  }

  async create(actor: RoomActor, roomId: string, dto: CreateInviteDto): Promise<RoomInviteDto> {
    const expiresAt = dto.expiresAt !== undefined ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw AppException.invalidField('expiresAt', 'expiresAt must be in the future', 'inThePast');
    return this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'manage-invites');
      const invite = await withFreshCode(
        generateInviteCode,
        (code) =>
          this.invites.insertInviteIfCodeFree({
            tenantId: actor.tenantId, roomId: room.id, code, role: dto.role ?? 'MEMBER', expiresAt, maxUses: dto.maxUses ?? null,
            createdBy: actor.userId, updatedBy: actor.userId,
          }),
        CODE_ATTEMPTS,
      );
      if (!invite) throw new AppException(503, 'invite-code-exhausted', { detail: 'No free invite code was found; try again.' });
      await this.audit.record({
        action: 'room.invite.create', resourceType: 'room-invite', resourceId: invite.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { roomId: room.id, role: invite.role, expiresAt: invite.expiresAt, maxUses: invite.maxUses },
      });
      return toInviteDto(invite);
    });
  }

  /** Deactivates an invite (it stays listed, inactive). Deactivating an inactive invite is a no-op. */
  async deactivate(actor: RoomActor, roomId: string, inviteId: string): Promise<void> {
    await this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'manage-invites');
      const invite = await this.invites.findInvite(actor.tenantId, room.id, inviteId, true);
      if (!invite) throw AppException.notFound('Invite');
      if (!invite.active) return;
      await this.invites.deactivateInvite(actor.tenantId, invite.id, actor.userId);
      await this.audit.record({
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
    return this.transactions.run(async () => {
      const invite = await this.invites.findInviteByCode(actor.tenantId, code);
      if (!invite) throw AppException.notFound('Invite');
      const existing = await this.members.findMembership(actor.tenantId, invite.roomId, actor.userId);
      if (existing) return { roomId: invite.roomId, role: existing.role, joined: false };
      if (!invite.active) throw new AppException(410, 'invite-inactive', { detail: 'This invite was deactivated.' });
      if (invite.expiresAt && invite.expiresAt.getTime() <= Date.now()) throw new AppException(410, 'invite-expired', { detail: 'This invite has expired.' });
      if (!(await this.invites.countInviteUse(actor.tenantId, invite.id))) throw AppException.conflict('This invite has been used up.', 'invite-used-up');
      const added = await this.members.insertMember({ tenantId: actor.tenantId, roomId: invite.roomId, userId: actor.userId, role: invite.role });
      if (!added) throw AppException.conflict('You joined the room meanwhile; try again.', 'already-a-member');
      await this.audit.record({
        action: 'room.invite.redeem', resourceType: 'room', resourceId: invite.roomId, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { inviteId: invite.id, userId: actor.userId, role: invite.role },
      });
      this.events.emit('room.member.added', { tenantId: actor.tenantId, roomId: invite.roomId, userId: actor.userId, role: invite.role });
      return { roomId: invite.roomId, role: invite.role, joined: true };
    });
  }
}
