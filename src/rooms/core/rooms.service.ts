import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { withFreshCode, randomCode } from '../../common/crypto/codes';
import { SecretBox, randomToken } from '../../common/crypto/crypto';
import { hashPassword } from '../../common/crypto/password';
import { Transactions } from '../../common/database/transactions';
import { AppException } from '../../common/errors/app.exception';
import { DomainEvents } from '../../common/events/domain-events';
import { Page, createdAtCursor, toPage } from '../../common/pagination/pagination';
import { RoomMembersRepository } from '../members/members.repository';
import { RoomAccess, RoomActor } from './room-access';
import { CreateRoomDto, RoomDto, RoomQueryDto, UpdateRoomDto } from './room.dto';
import { RoomEntity } from './room.entity';
import { CODE_ATTEMPTS, JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH } from './rooms.constants';
import { roomAuditState, toRoomDto } from './rooms.mapper';
import { RoomsRepository } from './rooms.repository';

/** A new join code: JOIN_CODE_LENGTH characters of JOIN_CODE_ALPHABET. */
const generateJoinCode = (): string => randomCode(JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH);

/** Rooms themselves. Every method takes the acting user, so REST and the gateway share it. */
@Injectable()
export class RoomsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly rooms: RoomsRepository,
    private readonly members: RoomMembersRepository,
    private readonly access: RoomAccess,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
  ) {}

  async list(actor: RoomActor, query: RoomQueryDto): Promise<Page<RoomDto>> {
    const rows = await this.rooms.findRoomsPage(actor.tenantId, actor.userId, query);
    const page = toPage(rows, query.limit, (r) => r, createdAtCursor);
    const roles = await this.members.rolesOf(actor.tenantId, actor.userId, page.items.map((r) => r.id));
    return { items: page.items.map((r) => toRoomDto(r, roles.get(r.id) ?? null, this.secrets)), nextCursor: page.nextCursor };
  }

  async get(actor: RoomActor, roomId: string): Promise<RoomDto> {
    const { room, membership } = await this.access.require(actor, roomId, 'view');
    return toRoomDto(room, membership?.role ?? null, this.secrets);
  }

  async create(actor: RoomActor, dto: CreateRoomDto): Promise<RoomDto> {
    if (dto.viz && dto.type !== 'DASHBOARD') throw AppException.invalidField('viz', 'viz is only for DASHBOARD rooms', 'dashboardOnly');
    const passwordHash = dto.password !== undefined ? await hashPassword(dto.password) : null;
    return this.transactions.run(async () => {
      const room = await this.insertWithFreshCode({
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
      await this.members.insertMember({ tenantId: actor.tenantId, roomId: room.id, userId: actor.userId, role: 'OWNER' });
      await this.audit.record({
        action: 'room.create', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { ...roomAuditState(room), joinCode: room.joinCode },
      });
      return toRoomDto(room, 'OWNER', this.secrets);
    });
  }

  async update(actor: RoomActor, roomId: string, dto: UpdateRoomDto): Promise<RoomDto> {
    const passwordHash = typeof dto.password === 'string' ? await hashPassword(dto.password) : dto.password;
    return this.transactions.run(async () => {
      const { room, membership } = await this.access.require(actor, roomId, 'update-room', { lock: true });
      if (dto.viz && room.type !== 'DASHBOARD') throw AppException.invalidField('viz', 'viz is only for DASHBOARD rooms', 'dashboardOnly');
      const before = roomAuditState(room);
      if (dto.name !== undefined) room.name = dto.name;
      if (passwordHash !== undefined) room.passwordHash = passwordHash;
      if (dto.waitingRoom !== undefined) room.waitingRoom = dto.waitingRoom;
      if (dto.e2eEncrypted !== undefined) room.e2eEncrypted = dto.e2eEncrypted;
      if (dto.viz) Object.assign(room, { vizHost: dto.viz.host, vizCmdPort: dto.viz.cmdPort, vizPort: dto.viz.vizPort });
      const saved = await this.rooms.updateRoom(room);
      await this.audit.record({
        action: 'room.update', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: before, newValue: roomAuditState(saved),
      });
      this.events.emit('room.updated', { tenantId: actor.tenantId, roomId: room.id });
      return toRoomDto(saved, membership!.role, this.secrets);
    });
  }

  async remove(actor: RoomActor, roomId: string): Promise<void> {
    await this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'delete-room', { lock: true });
      await this.rooms.deleteRoom(actor.tenantId, room.id);
      await this.audit.record({
        action: 'room.delete', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId, oldValue: roomAuditState(room),
      });
      this.events.emit('room.deleted', { tenantId: actor.tenantId, roomId: room.id });
    });
  }

  async transferOwnership(actor: RoomActor, roomId: string, userId: string): Promise<RoomDto> {
    return this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'transfer-ownership', { lock: true });
      if (userId === actor.userId) throw AppException.conflict('You already own this room.', 'already-owner');
      const target = await this.members.findMembership(actor.tenantId, room.id, userId);
      if (!target) throw AppException.conflict('The new owner must be a member of the room.', 'not-a-room-member');
      await this.members.setMemberRole(actor.tenantId, room.id, actor.userId, 'MODERATOR');
      await this.members.setMemberRole(actor.tenantId, room.id, userId, 'OWNER');
      room.ownerId = userId;
      const saved = await this.rooms.updateRoom(room);
      await this.audit.record({
        action: 'room.ownership.transfer', resourceType: 'room', resourceId: room.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: { ownerId: actor.userId, newOwnerPreviousRole: target.role }, newValue: { ownerId: userId, previousOwnerRole: 'MODERATOR' },
      });
      this.events.emit('room.ownership-transferred', { tenantId: actor.tenantId, roomId: room.id, fromUserId: actor.userId, toUserId: userId });
      return toRoomDto(saved, 'MODERATOR', this.secrets);
    });
  }

  private async insertWithFreshCode(values: Partial<RoomEntity> & { tenantId: string }): Promise<RoomEntity> {
    const room = await withFreshCode(generateJoinCode, (joinCode) => this.rooms.insertRoomIfCodeFree({ ...values, joinCode }), CODE_ATTEMPTS);
    if (!room) throw new AppException(503, 'join-code-exhausted', { detail: 'No free join code was found; try again.' });
    return room;
  }
}
