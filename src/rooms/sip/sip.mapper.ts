import { SecretBox, mask } from '../../common/crypto/crypto';
import { RoomSipConfigEntity } from './room-sip-config.entity';
import { RoomSipConfigDto } from './sip-config.dto';

/** The PIN in full only with `showPin` (moderators and the owner). */
export function toSipConfigDto(c: RoomSipConfigEntity, secrets: SecretBox, showPin: boolean): RoomSipConfigDto {
  const pin = secrets.decrypt(c.passwordEnc);
  return { dialInNumberId: c.sipId, pin: showPin ? pin : mask(pin), lobby: c.enableLobby, updatedAt: c.updatedAt.toISOString() };
}

/** What the audit log keeps of a SIP configuration: never the PIN. */
export const sipAuditState = (c: RoomSipConfigEntity) => ({ dialInNumberId: c.sipId, lobby: c.enableLobby });
