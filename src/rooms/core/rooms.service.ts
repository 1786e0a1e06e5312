import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SecretBox, randomToken } from '../common/crypto/crypto';
import { hashPassword, verifyPassword } from '../common/crypto/password';
import { Tx, transaction } from '../common/database/transaction';
import { AppException } from '../common/errors/app.exception';
import { Page, PageQueryDto, createdAtCursor, toPage } from '../common/pagination/pagination';
import { UsersService } from '../users/users.service';
import { AddRoomMemberDto, RoomMemberDto, UpdateRoomMemberDto } from './dto/room-member.dto';
import { CreateRoomDto, RoomDto, RoomQueryDto, UpdateRoomDto } from './dto/room.dto';
import { RoomEntity } from './entities/room.entity';
import { RoomAccess, RoomActor, RoomPermission } from './room-access';
import { RoomEvents } from './room-events';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, RoomRole } from './rooms.constants';
import { roomAuditState, toRoomDto, toRoomMemberDto } from './rooms.mapper';
import { RoomsRepository } from './rooms.repository';

/** What `room:join` needs to know about the caller (RoomsService.authorizeLiveJoin). */
export interface LiveJoin {
  roomId: string;
  role: RoomRole;
  /** The room has a waiting room and the caller cannot admit people: hold the socket until admitted. */
  mustWait: boolean;
  displayName: string;
}

/** How often a colliding join code is redrawn before giving up (31^9 codes: a collision is rare). */
const JOIN_CODE_ATTEMPTS = 10;

export function generateJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** Rooms and their members. Every method takes the acting user, so REST and the gateway share it. */
@Injectable()
export class RoomsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rooms: RoomsRepository,
    private readonly access: RoomAccess,
    private readonly events: RoomEvents,
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly secrets: SecretBox,
  ) {}

  // ---- rooms ---------------------------------------------------------------------------------

  async list(actor: RoomActor, query: RoomQueryDto): Promise<Page<RoomDto>> {
    const rows = await this.rooms.findRoomsPage(actor.tenantId, actor.userId, query);
    const page = toPage(rows, query.limit, (r) => r, createdAtCursor);
    const roles = await this.rooms.rolesOf(actor.tenantId, actor.userId, page.items.map((r) => r.id));
    return { items: page.items.map((r) => toRoomDto(r, roles.get(r.id) ?? null, this.secrets)), nextCursor: page.nextCursor };
  }

  async get(actor: RoomActor, roomId: string): Promise<RoomDto> {
    const { room, membership } = await this.access.require(this.dataSource.manager, actor, roomId, 'view');
    return toRoomDto(room, membership?.role ?? null, this.secrets);
  }

  async create(actor: RoomActor, dto: CreateRoomDto): Promise<RoomDto> {
    if (dto.viz && dto.type !== 'DASHBOARD') throw AppException.invalidField('viz', 'viz is only for DASHBOARD rooms', 'dashboardOnly');
    const passwordHash = dto.password !== undefined ? await hashPassword(dto.password) : null;
    return transaction(this.dataSource, async (tx) => {
      const room = await this.insertWithFreshCode(tx, {
        tenantId: actor.tenantId,
        ownerId: actor.userId,
        name: dto.name,
        type: dto.type,
        passwordHash,
        waitingRoom: dto.waitingRoom ?? false,
        e2eEncrypted: dto.e2eEncrypted ?? false,
        vizTokenEnc: dto.type === 'DASHBOARD' ? this.secrets.encrypt(randomToken(24)) : null,
        vizHost: dto.viz?.host ?? null,
        vizCmdPort: dto.viz?.cmdPort ?? null,
        vizPort: dto.viz?.vizPort ?? null,
      });
      await this.rooms.insertMember(tx.manager, { tenantId: actor.tenantId, roomId: room.id, userId: actor.userId, role: 'OWNER' });
      await this.audit.record(tx.manager, {
        action: 'room.create', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { ...roomAuditState(room), joinCode: room.joinCode },
      });
      return toRoomDto(room, 'OWNER', this.secrets);
    });
  }

  async update(actor: RoomActor, roomId: string, dto: UpdateRoomDto): Promise<RoomDto> {
    const passwordHash = typeof dto.password === 'string' ? await hashPassword(dto.password) : dto.password;
    return transaction(this.dataSource, async (tx) => {
      const { room, membership } = await this.access.require(tx.manager, actor, roomId, 'update-room', { lock: true });
      if (dto.viz && room.type !== 'DASHBOARD') throw AppException.invalidField('viz', 'viz is only for DASHBOARD rooms', 'dashboardOnly');
      const before = roomAuditState(room);
      if (dto.name !== undefined) room.name = dto.name;
      if (passwordHash !== undefined) room.passwordHash = passwordHash;
      if (dto.waitingRoom !== undefined) room.waitingRoom = dto.waitingRoom;
      if (dto.e2eEncrypted !== undefined) room.e2eEncrypted = dto.e2eEncrypted;
      if (dto.viz) Object.assign(room, { vizHost: dto.viz.host, vizCmdPort: dto.viz.cmdPort, vizPort: dto.viz.vizPort });
      const saved = await this.rooms.saveRoom(tx.manager, room);
      await this.audit.record(tx.manager, {
        action: 'room.update', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: before, newValue: roomAuditState(saved),
      });
      tx.afterCommit(() => this.events.emit('room.updated', { tenantId: actor.tenantId, roomId: room.id }));
      return toRoomDto(saved, membership!.role, this.secrets);
    });
  }

  async remove(actor: RoomActor, roomId: string): Promise<void> {
    await transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'delete-room', { lock: true });
      await this.rooms.deleteRoom(tx.manager, actor.tenantId, room.id);
      await this.audit.record(tx.manager, {
        action: 'room.delete', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId, oldValue: roomAuditState(room),
      });
      tx.afterCommit(() => this.events.emit('room.deleted', { tenantId: actor.tenantId, roomId: room.id }));
    });
  }

  async transferOwnership(actor: RoomActor, roomId: string, userId: string): Promise<RoomDto> {
    return transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'transfer-ownership', { lock: true });
      if (userId === actor.userId) throw AppException.conflict('You already own this room.', 'already-owner');
      const target = await this.rooms.findMembership(tx.manager, actor.tenantId, room.id, userId);
      if (!target) throw AppException.conflict('The new owner must be a member of the room.', 'not-a-room-member');
      await this.rooms.setMemberRole(tx.manager, actor.tenantId, room.id, actor.userId, 'MODERATOR');
      await this.rooms.setMemberRole(tx.manager, actor.tenantId, room.id, userId, 'OWNER');
      room.ownerId = userId;
      const saved = await this.rooms.saveRoom(tx.manager, room);
      await this.audit.record(tx.manager, {
        action: 'room.ownership.transfer', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: { ownerId: actor.userId, newOwnerPreviousRole: target.role }, newValue: { ownerId: userId, previousOwnerRole: 'MODERATOR' },
      });
      tx.afterCommit(() => this.events.emit('room.ownership-transferred', { tenantId: actor.tenantId, roomId: room.id, fromUserId: actor.userId, toUserId: userId }));
      return toRoomDto(saved, 'MODERATOR', this.secrets);
    });
  }

  // ---- members -------------------------------------------------------------------------------

  async listMembers(actor: RoomActor, roomId: string, query: PageQueryDto): Promise<Page<RoomMemberDto>> {
    const { room } = await this.access.require(this.dataSource.manager, actor, roomId, 'read');
    const rows = await this.rooms.findMembersPage(actor.tenantId, room.id, query);
    return toPage(rows, query.limit, toRoomMemberDto, (r) => ({ t: r.joinedAt.toISOString(), id: r.userId }));
  }

  async addMember(actor: RoomActor, roomId: string, dto: AddRoomMemberDto): Promise<RoomMemberDto> {
    return transaction(this.dataSource, async (tx) => {
      const { room, membership } = await this.access.require(tx.manager, actor, roomId, 'manage-members', { lock: true });
      this.access.assert(membership, RoomAccess.memberPermission(dto.role));
      const user = await this.users.findById(dto.userId, tx);
      if (!user || user.tenantId !== actor.tenantId) throw AppException.notFound('User');
      const added = await this.rooms.insertMember(tx.manager, { tenantId: actor.tenantId, roomId: room.id, userId: user.id, role: dto.role });
      if (!added) throw AppException.conflict('The user is already a member of the room.', 'already-a-member');
      await this.audit.record(tx.manager, {
        action: 'room.member.add', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { userId: user.id, role: dto.role },
      });
      tx.afterCommit(() => this.events.emit('member.added', { tenantId: actor.tenantId, roomId: room.id, userId: user.id, role: dto.role }));
      return toRoomMemberDto((await this.rooms.findMemberRow(tx.manager, actor.tenantId, room.id, user.id))!);
    });
  }

  async updateMember(actor: RoomActor, roomId: string, userId: string, dto: UpdateRoomMemberDto): Promise<RoomMemberDto> {
    return transaction(this.dataSource, async (tx) => {
      const { room, membership } = await this.access.require(tx.manager, actor, roomId, 'manage-members', { lock: true });
      const target = await this.requireMember(tx, actor.tenantId, room.id, userId);
      if (target.role === 'OWNER') throw AppException.conflict("The owner's role changes only by transfer-ownership.", 'owner-role');
      this.access.assert(membership, RoomAccess.memberPermission(target.role, dto.role));
      if (target.role !== dto.role) {
        await this.rooms.setMemberRole(tx.manager, actor.tenantId, room.id, userId, dto.role);
        await this.audit.record(tx.manager, {
          action: 'room.member.update', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
          oldValue: { userId, role: target.role }, newValue: { userId, role: dto.role },
        });
        tx.afterCommit(() => this.events.emit('member.updated', { tenantId: actor.tenantId, roomId: room.id, userId, role: dto.role, previousRole: target.role }));
      }
      return toRoomMemberDto((await this.rooms.findMemberRow(tx.manager, actor.tenantId, room.id, userId))!);
    });
  }

  /** Removes a member; aimed at oneself it is `leave`. */
  async removeMember(actor: RoomActor, roomId: string, userId: string): Promise<void> {
    if (userId === actor.userId) return this.leave(actor, roomId);
    await transaction(this.dataSource, async (tx) => {
      const { room, membership } = await this.access.require(tx.manager, actor, roomId, 'manage-members', { lock: true });
      const target = await this.requireMember(tx, actor.tenantId, room.id, userId);
      if (target.role === 'OWNER') throw AppException.forbidden('The owner cannot be removed.', 'room-permission-denied');
      this.access.assert(membership, RoomAccess.memberPermission(target.role));
      await this.dropMember(tx, actor, room, userId, target.role, 'removed');
    });
  }

  async leave(actor: RoomActor, roomId: string): Promise<void> {
    await transaction(this.dataSource, async (tx) => {
      const { room, membership } = await this.access.require(tx.manager, actor, roomId, 'read', { lock: true });
      if (membership!.role === 'OWNER') throw AppException.conflict('Transfer the ownership of the room before leaving it.', 'owner-must-transfer');
      this.access.assert(membership, 'leave');
      await this.dropMember(tx, actor, room, actor.userId, membership!.role, 'left');
    });
  }

  // ---- live rooms (the Socket.IO gateway) ---------------------------------------------------

  /**
   * `room:join`: the actor must be able to `read` the room (member; another tenant's room is a 404).
   * Those who cannot manage members need the room password, when it has one (403
   * `wrong-room-password`), and wait for admission when the room has a waiting room.
   */
  async authorizeLiveJoin(actor: RoomActor, roomId: string, password?: string): Promise<LiveJoin> {
    const manager = this.dataSource.manager;
    const { room, membership } = await this.access.require(manager, actor, roomId, 'read');
    const moderator = this.access.can(membership, 'manage-members');
    if (room.passwordHash !== null && !moderator && !(password !== undefined && (await verifyPassword(room.passwordHash, password)))) {
      throw AppException.forbidden(password === undefined ? 'This room needs a password.' : 'The room password is wrong.', 'wrong-room-password');
    }
    const row = await this.rooms.findMemberRow(manager, actor.tenantId, room.id, actor.userId);
    return { roomId: room.id, role: membership!.role, mustWait: room.waitingRoom && !moderator, displayName: row?.displayName || row?.username || actor.userId };
  }

  /** A live-room action: RoomAccess's check of `permission` (404 outside the tenant, 403 without the role). */
  async authorizeLive(actor: RoomActor, roomId: string, permission: RoomPermission): Promise<void> {
    await this.access.require(this.dataSource.manager, actor, roomId, permission);
  }

  /** Which of `userIds` may manage the members of the room (they answer waiting-room requests). */
  async liveModerators(tenantId: string, roomId: string, userIds: readonly string[]): Promise<string[]> {
    const result: string[] = [];
    for (const userId of new Set(userIds)) {
      const membership = await this.rooms.findMembership(this.dataSource.manager, tenantId, roomId, userId);
      if (membership && this.access.can(membership, 'manage-members')) result.push(userId);
    }
    return result;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private async dropMember(tx: Tx, actor: RoomActor, room: RoomEntity, userId: string, role: RoomRole, reason: 'removed' | 'left'): Promise<void> {
    await this.rooms.deleteMember(tx.manager, actor.tenantId, room.id, userId);
    await this.audit.record(tx.manager, {
      action: reason === 'left' ? 'room.member.leave' : 'room.member.remove', resourceType: 'room', resourceId: room.id,
      tenantId: actor.tenantId, actorId: actor.userId, oldValue: { userId, role },
    });
    tx.afterCommit(() => this.events.emit('member.removed', { tenantId: actor.tenantId, roomId: room.id, userId, reason }));
  }

  private async requireMember(tx: Tx, tenantId: string, roomId: string, userId: string) {
    const member = await this.rooms.findMembership(tx.manager, tenantId, roomId, userId);
    if (!member) throw AppException.notFound('Room member');
    return member;
  }

  private async insertWithFreshCode(tx: Tx, values: Partial<RoomEntity> & { tenantId: string }): Promise<RoomEntity> {
    for (let attempt = 0; attempt < JOIN_CODE_ATTEMPTS; attempt++) {
      const room = await this.rooms.insertRoomIfCodeFree(tx.manager, { ...values, joinCode: generateJoinCode() });
      if (room) return room;
    }
    throw new AppException(503, 'join-code-exhausted', { detail: 'No free join code was found; try again.' });
  }
}
