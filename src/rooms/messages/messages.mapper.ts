import { RoomMessageDto } from './room-message.dto';
import { RoomMessageEntity } from './room-message.entity';

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
