import { Injectable } from '@nestjs/common';
import { AccessService } from '../../access/access.service';
import type { AccessAction, AccessObject } from '../../common/auth/access-vocabulary';
import type { Principal } from '../../common/auth/principal';
import { verifyPassword } from '../../common/crypto/password';
import { AppException } from '../../common/errors/app.exception';
import { UsersService } from '../../users/users.service';
import { RoomAccess, RoomActor, RoomPermission } from '../core/room-access';
import { RoomRole } from '../core/rooms.constants';
import type { RoomLeftReason } from './rooms-live.types';

/** What `room:join` needs from the tenant's policies, and so what being in a live room needs. */
export const JOIN_ACCESS: readonly [AccessObject, AccessAction] = ['rooms', 'read'];

/** What `room:join` needs to know about the caller (RoomsLiveService.authorizeJoin). */
export interface LiveJoin {
  roomId: string;
  role: RoomRole;
  /** The room has a waiting room and the caller cannot admit people: hold the socket until admitted. */
  mustWait: boolean;
  /** The name shown in presence: the display name, else the username. */
  displayName: string;
}

/**
 * The room-level rules of the live rooms that REST has no twin for (joining with the room
 * password, the waiting room). Everything goes through RoomAccess; the gateway holds no rule.
 */
@Injectable()
export class RoomsLiveService {
  constructor(
    private readonly access: RoomAccess,
    private readonly users: UsersService,
    private readonly policies: AccessService,
  ) {}

  /**
   * Why a socket of `principal` may no longer be in the live room, or null when it may: what
   * `room:join` checks (the tenant's policies allow `rooms:read`, RoomAccess `read`), less the room
   * password and the waiting room, which were passed on entering. Asked again for recovered sockets
   * and after changes of policies, roles and memberships.
   */
  async revoked(principal: Principal, roomId: string): Promise<RoomLeftReason | null> {
    if (!(await this.mayBeInRooms(principal))) return 'access-revoked';
    return this.revokedMembership(principal, roomId);
  }

  /** Whether the tenant's policies still let the user be in live rooms (`rooms:read`, what `room:join` declares). */
  mayBeInRooms(principal: Principal): Promise<boolean> {
    return this.policies.enforce(principal, ...JOIN_ACCESS);
  }

  /** RoomAccess's half of `revoked`: the room is gone (`room-deleted`), or the actor is not a member able to read it (`removed`). */
  async revokedMembership(actor: RoomActor, roomId: string): Promise<RoomLeftReason | null> {
    try {
      await this.access.require(actor, roomId, 'read');
      return null;
    } catch (err) {
      if (!(err instanceof AppException)) throw err;
      return err.status === 404 ? 'room-deleted' : 'removed';
    }
  }

  /**
   * `room:join`: the actor must be able to `read` the room (member; another tenant's room is a 404).
   * Those who cannot manage members need the room password, when it has one (403
   * `wrong-room-password`), and wait for admission when the room has a waiting room.
   */
  async authorizeJoin(actor: RoomActor, roomId: string, password?: string): Promise<LiveJoin> {
    const { room, membership } = await this.access.require(actor, roomId, 'read');
    const moderator = this.access.can(membership, 'manage-members');
    if (room.passwordHash !== null && !moderator && !(password !== undefined && (await verifyPassword(room.passwordHash, password)))) {
      throw AppException.forbidden(password === undefined ? 'This room needs a password.' : 'The room password is wrong.', 'wrong-room-password');
    }
    const user = (await this.users.summaries(actor.tenantId, [actor.userId])).get(actor.userId);
    return { roomId: room.id, role: membership!.role, mustWait: room.waitingRoom && !moderator, displayName: user?.displayName || user?.username || actor.userId };
  }

  /** A live-room action: RoomAccess's check of `permission` (404 outside the tenant, 403 without the role). */
  async authorize(actor: RoomActor, roomId: string, permission: RoomPermission): Promise<void> {
    await this.access.require(actor, roomId, permission);
  }

  /** Which of `userIds` may manage the members of the room (they answer waiting-room requests). */
  moderators(tenantId: string, roomId: string, userIds: readonly string[]): Promise<string[]> {
    return this.access.holders(tenantId, roomId, userIds, 'manage-members');
  }
}
