import { SecretBox, mask } from '../../common/crypto/crypto';
import { RoomStreamingTargetEntity } from './room-streaming-target.entity';
import { StreamingKind, StreamingTargetDto } from './streaming-target.dto';

/** The stream key is always masked. */
export function toStreamingTargetDto(s: RoomStreamingTargetEntity, secrets: SecretBox): StreamingTargetDto {
  return {
    id: s.id, roomId: s.roomId, name: s.name, kind: s.kind as StreamingKind, ingestUrl: s.streamingEndpoint, streamKey: mask(secrets.decrypt(s.streamKeyEnc)),
    publicUrl: s.publicUrl, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of a streaming target: never the key. */
export const targetAuditState = (t: RoomStreamingTargetEntity) => ({ roomId: t.roomId, name: t.name, kind: t.kind, ingestUrl: t.streamingEndpoint, publicUrl: t.publicUrl });
