import { RoomTranscriptDto } from './room-transcript.dto';
import { RoomTranscriptEntity } from './room-transcript.entity';

export function toTranscriptDto(t: RoomTranscriptEntity): RoomTranscriptDto {
  return {
    id: t.id, roomId: t.roomId, authorId: t.authorId, speakerUserId: t.speakerUserId, text: t.content, language: t.language,
    startedAt: t.startedAtMs, endedAt: t.endedAtMs, createdAt: t.createdAt.toISOString(),
  };
}
