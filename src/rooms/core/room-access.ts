import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app.exception';
import { RoomMembersRepository } from '../members/members.repository';
import { RoomMemberEntity } from '../members/room-member.entity';
import { RoomEntity } from './room.entity';
import { RoomRole } from './rooms.constants';
import { RoomsRepository } from './rooms.repository';

/** Who acts on a room: a signed-in user of a tenant (an HTTP principal or a socket's user). */
export interface RoomActor {
  readonly tenantId: string;
  readonly userId: string;
}

/** What can be done inside a room. `view` (the room's public card) needs no membership. */
export const ROOM_PERMISSIONS = [
  'view',
  'read',
  'leave',
  'post-message',
  'post-bot-message',
  'edit-own-message',
  'delete-own-message',
  'delete-any-message',
  'update-room',
  'manage-members',
  'manage-moderators',
  'transfer-ownership',
  'delete-room',
  // Transcripts, panels, module resources, invites, SIP, streaming targets.
  'post-transcript',
  'edit-panels',
  'edit-module-resources',
  'manage-invites',
  'manage-sip',
  'manage-streaming',
] as const;
export type RoomPermission = (typeof ROOM_PERMISSIONS)[number];

const MEMBER: RoomPermission[] = [
  'view', 'read', 'leave', 'post-message', 'edit-own-message', 'delete-own-message',
  'post-transcript', 'edit-panels', 'edit-module-resources',
];
const MODERATOR: RoomPermission[] = [...MEMBER, 'post-bot-message', 'delete-any-message', 'update-room', 'manage-members', 'manage-invites', 'manage-sip', 'manage-streaming'];

/**
 * The room role -> permission table (docs/rooms.md). The only place that says what a room role may
 * do; every route and the gateway ask through `RoomAccess`.
 */
export const ROOM_ROLE_PERMISSIONS: Record<RoomRole, ReadonlySet<RoomPermission>> = {
  OWNER: new Set<RoomPermission>([...MODERATOR.filter((p) => p !== 'leave'), 'manage-moderators', 'transfer-ownership', 'delete-room']),
  MODERATOR: new Set(MODERATOR),
  MEMBER: new Set(MEMBER),
  GUEST: new Set<RoomPermission>(['view', 'read', 'leave', 'delete-own-message']),
};

export interface RoomGrant {
  readonly room: RoomEntity;
  /** The caller's membership; null for a non-member (only possible with `view`). */
  readonly membership: RoomMemberEntity | null;
}

/**
 * The chokepoint of room-level authorization: finds the room in the actor's tenant (another
 * tenant's room is a 404, exactly like a missing one) and checks that the actor's room role grants
 * `permission`.
 */
@Injectable()
export class RoomAccess {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly members: RoomMembersRepository,
  ) {}

  /**
   * With `lock`, the room row is locked FOR UPDATE until the caller's transaction ends
   * (membership changes); the lock needs one (`Transactions.run`).
   */
  async require(actor: RoomActor, roomId: string, permission: RoomPermission, options: { lock?: boolean } = {}): Promise<RoomGrant> {
    const room = await this.rooms.findRoom(actor.tenantId, roomId, options.lock ?? false);
    if (!room) throw AppException.notFound('Room');
    const membership = await this.members.findMembership(actor.tenantId, room.id, actor.userId);
    this.assert(membership, permission);
    return { room, membership };
  }

  /** Which of `userIds` are members of a room of the tenant whose room role grants `permission` (one query). */
  async holders(tenantId: string, roomId: string, userIds: readonly string[], permission: RoomPermission): Promise<string[]> {
    const memberships = await this.members.findMemberships(tenantId, roomId, userIds);
    return memberships.filter((m) => this.can(m, permission)).map((m) => m.userId);
  }

  /** Whether `membership` (null: not a member) grants `permission`. */
  can(membership: Pick<RoomMemberEntity, 'role'> | null, permission: RoomPermission): boolean {
    if (permission === 'view') return true;
    return membership !== null && ROOM_ROLE_PERMISSIONS[membership.role].has(permission);
  }

  assert(membership: Pick<RoomMemberEntity, 'role'> | null, permission: RoomPermission): void {
    if (this.can(membership, permission)) return;
    if (!membership) throw AppException.forbidden('You are not a member of this room.', 'not-a-room-member');
    throw AppException.forbidden(`Your room role (${membership.role}) does not allow ${permission}.`, 'room-permission-denied');
  }

  /** The permission needed to give, change or take away `roles` (moderator rights are the owner's). */
  static memberPermission(...roles: RoomRole[]): RoomPermission {
    return roles.includes('MODERATOR') ? 'manage-moderators' : 'manage-members';
  }
}
