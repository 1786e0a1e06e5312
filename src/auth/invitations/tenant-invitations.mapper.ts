import type { InvitationStatus, TenantInvitationDto } from './tenant-invitation.dto';
import type { TenantInvitationEntity } from './tenant-invitation.entity';

export function statusOf(i: TenantInvitationEntity, now = new Date()): InvitationStatus {
  if (i.acceptedAt) return 'accepted';
  if (i.revokedAt) return 'revoked';
  return i.expiresAt <= now ? 'expired' : 'pending';
}

export function toTenantInvitationDto(i: TenantInvitationEntity): TenantInvitationDto {
  return {
    id: i.id,
    tenantId: i.tenantId,
    email: i.email,
    role: i.role,
    status: statusOf(i),
    expiresAt: i.expiresAt.toISOString(),
    invitedBy: i.invitedBy,
    sentCount: i.sentCount,
    lastSentAt: i.lastSentAt.toISOString(),
    acceptedAt: i.acceptedAt?.toISOString() ?? null,
    acceptedBy: i.acceptedBy,
    revokedAt: i.revokedAt?.toISOString() ?? null,
    createdAt: i.createdAt.toISOString(),
  };
}
