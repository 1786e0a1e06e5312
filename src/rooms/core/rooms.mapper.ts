import { SecretBox, mask } from '../../common/crypto/crypto';
import { RoomDto } from './room.dto';
import { RoomEntity } from './room.entity';
import { RoomRole } from './rooms.constants';

/** A room as `myRole` sees it: join code and viz token in full only for members. */
export function toRoomDto(room: RoomEntity, myRole: RoomRole | null, secrets: SecretBox): RoomDto {
  const isMember = myRole !== null;
  const token = room.vizTokenEnc ? secrets.decrypt(room.vizTokenEnc) : null;
  return {
    id: room.id,
    name: room.name,
    type: room.type,
    ownerId: room.ownerId,
    joinCode: isMember ? room.joinCode : null,
    hasPassword: room.passwordHash !== null,
    waitingRoom: room.waitingRoom,
    e2eEncrypted: room.e2eEncrypted,
    viz: token === null ? null : { host: room.vizHost, cmdPort: room.vizCmdPort, vizPort: room.vizPort, token: isMember ? token : mask(token) },
    myRole,
    createdAt: room.createdAt.toISOString(),
    updatedAt: room.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of a room (the password only as a flag; the viz token not at all). */
export function roomAuditState(room: RoomEntity): Record<string, unknown> {
  return {
    name: room.name,
    type: room.type,
    ownerId: room.ownerId,
    hasPassword: room.passwordHash !== null,
    waitingRoom: room.waitingRoom,
    e2eEncrypted: room.e2eEncrypted,
    vizHost: room.vizHost,
    vizCmdPort: room.vizCmdPort,
    vizPort: room.vizPort,
  };
}
