import type { UserAccount, UserRefusal, UserSummary } from './user-account';
import type { UserDirectoryEntryDto, UserDto, UserSettingsDto, UserStatus } from './dto/user.dto';
import type { UserSettingsEntity } from './entities/user-settings.entity';
import type { UserEntity } from './entities/user.entity';

/** Blocked and disabled users are refused on every request; a lock only stops password logins. */
export function refusalOf(user: UserEntity, now = new Date()): UserRefusal {
  if (user.isBlocked) return 'blocked';
  if (user.disabledSince || !user.isActive) return 'disabled';
  if (user.lockedUntil && user.lockedUntil > now) return 'locked';
  return null;
}

export function statusOf(user: UserEntity): UserStatus {
  return refusalOf(user) ?? 'active';
}

export function toUserAccount(u: UserEntity): UserAccount {
  return {
    id: u.id,
    tenantId: u.tenantId,
    email: u.email,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    passwordHash: u.passwordHash,
    tokenVersion: u.tokenVersion,
    emailVerified: u.emailVerified,
    refusal: refusalOf(u),
    lockedUntil: u.lockedUntil,
    lockoutCount: u.lockoutCount,
  };
}

export function toUserSummary(u: UserEntity): UserSummary {
  return { id: u.id, username: u.username, displayName: u.displayName };
}

export function toUserDirectoryEntryDto(u: UserEntity): UserDirectoryEntryDto {
  return { id: u.id, displayName: u.displayName, avatarUrl: u.avatarUrl };
}

/** `tenantRoles`: the user's roles in its tenant (AccessService.getRolesOfUsers). */
export function toUserDto(u: UserEntity, tenantRoles: string[]): UserDto {
  return {
    id: u.id,
    tenantId: u.tenantId,
    email: u.email,
    username: u.username,
    displayName: u.displayName,
    firstName: u.firstName,
    lastName: u.lastName,
    role: u.role,
    tenantRoles,
    status: statusOf(u),
    emailVerified: u.emailVerified,
    lockedUntil: u.lockedUntil && u.lockedUntil > new Date() ? u.lockedUntil.toISOString() : null,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    avatarUrl: u.avatarUrl,
    language: u.language,
    conferenceTheme: u.conferenceTheme,
    dashboardTheme: u.dashboardTheme,
    phone: u.phone,
    title: u.title,
    country: u.country,
    profession: u.profession,
    createdAt: u.createdAt.toISOString(),
  };
}

export function toUserSettingsDto(s: UserSettingsEntity): UserSettingsDto {
  return { defaultModelId: s.defaultModelId, preferences: s.preferences, updatedAt: s.updatedAt.toISOString() };
}

/** The profile fields a user edits on itself (`PATCH /me`), as the audit log keeps them. */
export function profileOf(u: UserEntity): Record<string, unknown> {
  const { displayName, firstName, lastName, avatarUrl, language, conferenceTheme, dashboardTheme, phone, title, country, profession } = u;
  return { displayName, firstName, lastName, avatarUrl, language, conferenceTheme, dashboardTheme, phone, title, country, profession };
}

/** The fields tenant admins change (block, disable, unlock, platform role), as the audit log keeps them. */
export function adminStateOf(u: UserEntity): Record<string, unknown> {
  return {
    role: u.role,
    isBlocked: u.isBlocked,
    blockedReason: u.blockedReason,
    disabledSince: u.disabledSince?.toISOString() ?? null,
    lockedUntil: u.lockedUntil?.toISOString() ?? null,
    lockoutCount: u.lockoutCount,
  };
}
