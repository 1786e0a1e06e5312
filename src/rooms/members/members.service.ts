import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { Transactions } from '../../common/database/transactions';
import { AppException } from '../../common/errors/app.exception';
import { DomainEvents } from '../../common/events/domain-events';
import { Page, PageQueryDto, toPage } from '../../common/pagination/pagination';
import { UsersService } from '../../users/users.service';
import { RoomAccess, RoomActor } from '../core/room-access';
import { RoomRole } from '../core/rooms.constants';
import type { MemberRemovedReason } from '../rooms.events';
import { joinedCursor, RoomMembersRepository } from './members.repository';
import { toRoomMemberDto } from './members.mapper';
import { AddRoomMemberDto, RoomMemberDto, UpdateRoomMemberDto } from './room-member.dto';
import { RoomMemberEntity } from './room-member.entity';

/**
 * The members of a room and their room roles. Names come from the users directory
 * (UsersService.summaries), which answers only for users of the caller's tenant.
 */
@Injectable()
export class RoomMembersService {
  constructor(
    private readonly transactions: Transactions,
    private readonly members: RoomMembersRepository,
    private readonly access: RoomAccess,
    private readonly users: UsersService,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
  ) {}

  async list(actor: RoomActor, roomId: string, query: PageQueryDto): Promise<Page<RoomMemberDto>> {
    const { room } = await this.access.require(actor, roomId, 'read');
    const page = toPage(await this.members.findMembersPage(actor.tenantId, room.id, query), query.limit, (m) => m, joinedCursor);
    const names = await this.users.summaries(actor.tenantId, page.items.map((m) => m.userId));
    // A member whose user is gone meanwhile (its membership goes with it) is left out, as it would be a moment later.
    const items = page.items.flatMap((m) => {
      const user = names.get(m.userId);
      return user ? [toRoomMemberDto(m, user)] : [];
    });
    return { items, nextCursor: page.nextCursor };
  }

  async add(actor: RoomActor, roomId: string, dto: AddRoomMemberDto): Promise<RoomMemberDto> {
    return this.transactions.run(async () => {
      const { room, membership } = await this.access.require(actor, roomId, 'manage-members', { lock: true });
      this.access.assert(membership, RoomAccess.memberPermission(dto.role));
      const user = await this.users.findInTenant(actor.tenantId, dto.userId);
      if (!user) throw AppException.notFound('User');
      const added = await this.members.insertMember({ tenantId: actor.tenantId, roomId: room.id, userId: user.id, role: dto.role });
      if (!added) throw AppException.conflict('The user is already a member of the room.', 'already-a-member');
      await this.audit.record({
        action: 'room.member.add', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { userId: user.id, role: dto.role },
      });
      this.events.emit('room.member.added', { tenantId: actor.tenantId, roomId: room.id, userId: user.id, role: dto.role });
      return toRoomMemberDto(await this.requireMember(actor.tenantId, room.id, user.id), user);
    });
  }

  async update(actor: RoomActor, roomId: string, userId: string, dto: UpdateRoomMemberDto): Promise<RoomMemberDto> {
    return this.transactions.run(async () => {
      const { room, membership } = await this.access.require(actor, roomId, 'manage-members', { lock: true });
      const target = await this.requireMember(actor.tenantId, room.id, userId);
      if (target.role === 'OWNER') throw AppException.conflict("The owner's role changes only by transfer-ownership.", 'owner-role');
      this.access.assert(membership, RoomAccess.memberPermission(target.role, dto.role));
      if (target.role !== dto.role) {
        await this.members.setMemberRole(actor.tenantId, room.id, userId, dto.role);
        await this.audit.record({
          action: 'room.member.update', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
          oldValue: { userId, role: target.role }, newValue: { userId, role: dto.role },
        });
        this.events.emit('room.member.updated', { tenantId: actor.tenantId, roomId: room.id, userId, role: dto.role, previousRole: target.role });
      }
      const user = (await this.users.summaries(actor.tenantId, [userId])).get(userId);
      if (!user) throw AppException.notFound('Room member');
      return toRoomMemberDto(await this.requireMember(actor.tenantId, room.id, userId), user);
    });
  }

  /** Removes a member; aimed at oneself it is `leave`. */
  async remove(actor: RoomActor, roomId: string, userId: string): Promise<void> {
    if (userId === actor.userId) return this.leave(actor, roomId);
    await this.transactions.run(async () => {
      const { room, membership } = await this.access.require(actor, roomId, 'manage-members', { lock: true });
      const target = await this.requireMember(actor.tenantId, room.id, userId);
      if (target.role === 'OWNER') throw AppException.forbidden('The owner cannot be removed.', 'room-permission-denied');
      this.access.assert(membership, RoomAccess.memberPermission(target.role));
      await this.drop(actor, room.id, userId, target.role, 'removed');
    });
  }

  async leave(actor: RoomActor, roomId: string): Promise<void> {
    await this.transactions.run(async () => {
      const { room, membership } = await this.access.require(actor, roomId, 'read', { lock: true });
      if (membership!.role === 'OWNER') throw AppException.conflict('Transfer the ownership of the room before leaving it.', 'owner-must-transfer');
      this.access.assert(membership, 'leave');
      await this.drop(actor, room.id, actor.userId, membership!.role, 'left');
    });
  }

  private async drop(actor: RoomActor, roomId: string, userId: string, role: RoomRole, reason: MemberRemovedReason): Promise<void> {
    await this.members.deleteMember(actor.tenantId, roomId, userId);
    await this.audit.record({
      action: reason === 'left' ? 'room.member.leave' : 'room.member.remove', resourceType: 'room', resourceId: roomId,
      tenantId: actor.tenantId, actorId: actor.userId, oldValue: { userId, role },
    });
    this.events.emit('room.member.removed', { tenantId: actor.tenantId, roomId, userId, reason });
  }

  private async requireMember(tenantId: string, roomId: string, userId: string): Promise<RoomMemberEntity> {
    const member = await this.members.findMembership(tenantId, roomId, userId);
    if (!member) throw AppException.notFound('Room member');
    return member;
  }
}
