import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { transaction } from '../common/database/transaction';
import { AppException } from '../common/errors/app.exception';
import { Page, PageQueryDto, createdAtCursor, pageByCreatedAt, toPage } from '../common/pagination/pagination';
import { CreateInviteDto, RedeemInviteResultDto, RoomInviteDto } from './dto/room-extras.dto';
import { RoomInviteEntity } from './entities/room-extras.entity';
import { RoomAccess, RoomActor } from './room-access';
import { RoomEvents } from './room-events';
import { toInviteDto } from './room-extras.mapper';
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
    private readonly access: RoomAccess,
    private readonly events: RoomEvents,
    private readonly audit: AuditService,
  ) {}

  async list(actor: RoomActor, roomId: string, query: PageQueryDto): Promise<Page<RoomInviteDto>> {
    const { room } = await this.access.require(this.dataSource.manager, actor, roomId, 'manage-invites');
    const qb = this.dataSource.manager.createQueryBuilder(RoomInviteEntity, 'i').where('i.tenant_id = :tenantId AND i.room_id = :roomId', { tenantId: actor.tenantId, roomId: room.id });
    return toPage(await pageByCreatedAt(qb, 'i', query).getMany(), query.limit, toInviteDto, createdAtCursor);
  }

  async create(actor: RoomActor, roomId: string, dto: CreateInviteDto): Promise<RoomInviteDto> {
    const expiresAt = dto.expiresAt !== undefined ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw AppException.invalidField('expiresAt', 'expiresAt must be in the future', 'inThePast');
    return transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'manage-invites');
      for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
        const result = await tx.manager.createQueryBuilder().insert().into(RoomInviteEntity).values({
          tenantId: actor.tenantId, roomId: room.id, code: generateInviteCode(), role: dto.role ?? 'MEMBER', expiresAt, maxUses: dto.maxUses ?? null,
          createdBy: actor.userId, updatedBy: actor.userId,
        }).orIgnore().returning(['id']).execute();
        const id = (result.raw as Array<{ id: string }>)[0]?.id;
        if (!id) continue;
        const invite = await tx.manager.findOneByOrFail(RoomInviteEntity, { id });
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
      const invite = await tx.manager.findOne(RoomInviteEntity, { where: { tenantId: actor.tenantId, roomId: room.id, id: inviteId }, lock: { mode: 'pessimistic_write' } });
      if (!invite) throw AppException.notFound('Invite');
      if (!invite.active) return;
      await tx.manager.update(RoomInviteEntity, { id: invite.id }, { active: false, updatedBy: actor.userId });
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
      const invite = await tx.manager.findOneBy(RoomInviteEntity, { tenantId: actor.tenantId, code });
      if (!invite) throw AppException.notFound('Invite');
      const existing = await this.rooms.findMembership(tx.manager, invite.roomId, actor.userId);
      if (existing) return { roomId: invite.roomId, role: existing.role, joined: false };
      if (!invite.active) throw new AppException(410, 'invite-inactive', { detail: 'This invite was deactivated.' });
      if (invite.expiresAt && invite.expiresAt.getTime() <= Date.now()) throw new AppException(410, 'invite-expired', { detail: 'This invite has expired.' });
      const counted = await tx.manager.createQueryBuilder().update(RoomInviteEntity).set({ uses: () => 'uses + 1' })
        .where('id = :id AND active AND (expires_at IS NULL OR expires_at > now()) AND (max_uses IS NULL OR uses < max_uses)', { id: invite.id })
        .returning(['uses']).execute();
      if ((counted.raw as unknown[]).length === 0) throw AppException.conflict('This invite has been used up.', 'invite-used-up');
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
