import { SecretBox, mask } from '../common/crypto/crypto';
import { RoomMemberDto } from './dto/room-member.dto';
import { RoomMessageDto } from './dto/room-message.dto';
import { RoomDto } from './dto/room.dto';
import { RoomMessageEntity } from './entities/room-message.entity';
import { RoomEntity } from './entities/room.entity';
import { RoomMemberRow } from './rooms.repository';
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

export function toRoomMemberDto(row: RoomMemberRow): RoomMemberDto {
  return { userId: row.userId, username: row.username, displayName: row.displayName, role: row.role, joinedAt: row.joinedAt.toISOString() };
}

export function toRoomMessageDto(m: RoomMessageEntity): RoomMessageDto {
  return {
    id: m.id,
    roomId: m.roomId,
    authorId: m.authorId,
    kind: m.kind,
    botName: m.botName,
    text: m.deletedAt ? '' : m.text,
    clientMessageId: m.clientMessageId,
    deleted: m.deletedAt !== null,
    createdAt: m.createdAt.toISOString(),
    editedAt: m.editedAt?.toISOString() ?? null,
    deletedAt: m.deletedAt?.toISOString() ?? null,
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
