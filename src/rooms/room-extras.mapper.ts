import { SecretBox, mask } from '../common/crypto/crypto';
import {
  DashboardPanelDto, InviteRole, ModuleResourceDto, RoomInviteDto, RoomSipConfigDto, RoomTranscriptDto, StreamingKind, StreamingTargetDto,
} from './dto/room-extras.dto';
import {
  DashboardPanelEntity, ModuleResourceEntity, RoomInviteEntity, RoomSipConfigEntity, RoomStreamingTargetEntity, RoomTranscriptEntity,
} from './entities/room-extras.entity';

export function toTranscriptDto(t: RoomTranscriptEntity): RoomTranscriptDto {
  return {
    id: t.id, roomId: t.roomId, authorId: t.authorId, speakerUserId: t.speakerUserId, text: t.content, language: t.language,
    startedAt: t.startedAtMs, endedAt: t.endedAtMs, createdAt: t.createdAt.toISOString(),
  };
}

export function toInviteDto(i: RoomInviteEntity): RoomInviteDto {
  return {
    id: i.id, roomId: i.roomId, code: i.code, role: i.role as InviteRole, active: i.active, expiresAt: i.expiresAt?.toISOString() ?? null,
    maxUses: i.maxUses, uses: i.uses, createdBy: i.createdBy, createdAt: i.createdAt.toISOString(),
  };
}

/** The PIN in full only with `showPin` (moderators and the owner). */
export function toSipConfigDto(c: RoomSipConfigEntity, secrets: SecretBox, showPin: boolean): RoomSipConfigDto {
  const pin = secrets.decrypt(c.passwordEnc);
  return { dialInNumberId: c.sipId, pin: showPin ? pin : mask(pin), lobby: c.enableLobby, updatedAt: c.updatedAt.toISOString() };
}

/** The stream key is always masked. */
export function toStreamingTargetDto(s: RoomStreamingTargetEntity, secrets: SecretBox): StreamingTargetDto {
  return {
    id: s.id, roomId: s.roomId, name: s.name, kind: s.kind as StreamingKind, ingestUrl: s.streamingEndpoint, streamKey: mask(secrets.decrypt(s.streamKeyEnc)),
    publicUrl: s.publicUrl, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString(),
  };
}

export function toPanelDto(p: DashboardPanelEntity): DashboardPanelDto {
  return { id: p.id, roomId: p.roomId, name: p.name, layout: p.layout, config: p.config, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString() };
}

export function toModuleResourceDto(r: ModuleResourceEntity): ModuleResourceDto {
  return {
    id: r.id, roomId: r.roomId, namespace: r.namespace, tag: r.tag, data: r.data, createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
  };
}

/** Serialized size of a JSON value in bytes. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
