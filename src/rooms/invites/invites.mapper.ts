import { InviteRole, RoomInviteDto } from './room-invite.dto';
import { RoomInviteEntity } from './room-invite.entity';

export function toInviteDto(i: RoomInviteEntity): RoomInviteDto {
  return {
    id: i.id, roomId: i.roomId, code: i.code, role: i.role as InviteRole, active: i.active, expiresAt: i.expiresAt?.toISOString() ?? null,
    maxUses: i.maxUses, uses: i.uses, createdBy: i.createdBy, createdAt: i.createdAt.toISOString(),
  };
}
