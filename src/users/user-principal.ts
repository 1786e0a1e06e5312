import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { UserEntity } from './entities/user.entity';
import type { UserAccount } from './user-account';
import { toUserAccount } from './users.mapper';

/**
 * A row of `user_principals`, the users module's read model for authentication (a view over
 * `users` and the user's tenant): what the auth module reads, in one statement with the
 * credential's own revocation state, to turn a credential into a Principal.
 */
export interface UserPrincipalRow {
  id: string;
  tenant_id: string;
  email: string;
  username: string;
  display_name: string | null;
  first_name: string | null;
  last_name: string | null;
  password_hash: string | null;
  role: UserEntity['role'];
  is_active: boolean;
  is_blocked: boolean;
  blocked_reason: string | null;
  disabled_since: Date | null;
  failed_login_attempts: number;
  lockout_count: number;
  locked_until: Date | null;
  email_verified: boolean;
  email_verified_at: Date | null;
  token_version: number;
  last_login_at: Date | null;
  last_seen_at: Date | null;
  avatar_url: string | null;
  language: string | null;
  conference_theme: string | null;
  dashboard_theme: string | null;
  phone: string | null;
  title: string | null;
  country: string | null;
  profession: string | null;
  tariff_id: string | null;
  tariff_status: string | null;
  created_at: Date;
  updated_at: Date;
  /** When the user's tenant was disabled; null while it is active. */
  tenant_disabled_at: Date | null;
}

/** The columns of the read model, for a SELECT list (`p.` prefixed by the caller when it joins). */
export const USER_PRINCIPALS_VIEW = 'user_principals';

function toEntity(row: UserPrincipalRow): UserEntity {
  return Object.assign(new UserEntity(), {
    id: row.id,
    tenantId: row.tenant_id,
    email: row.email,
    username: row.username,
    displayName: row.display_name,
    firstName: row.first_name,
    lastName: row.last_name,
    passwordHash: row.password_hash,
    role: row.role,
    isActive: row.is_active,
    isBlocked: row.is_blocked,
    blockedReason: row.blocked_reason,
    disabledSince: row.disabled_since,
    failedLoginAttempts: row.failed_login_attempts,
    lockoutCount: row.lockout_count,
    lockedUntil: row.locked_until,
    emailVerified: row.email_verified,
    emailVerifiedAt: row.email_verified_at,
    tokenVersion: row.token_version,
    lastLoginAt: row.last_login_at,
    lastSeenAt: row.last_seen_at,
    avatarUrl: row.avatar_url,
    language: row.language,
    conferenceTheme: row.conference_theme,
    dashboardTheme: row.dashboard_theme,
    phone: row.phone,
    title: row.title,
    country: row.country,
    profession: row.profession,
    tariffId: row.tariff_id,
    tariffStatus: row.tariff_status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/** The account of a `user_principals` row, and whether its tenant may act. */
export function principalAccount(row: UserPrincipalRow): UserAccount & { readonly tenantActive: boolean } {
  return { ...toUserAccount(toEntity(row)), tenantActive: row.tenant_disabled_at === null };
}

/**
 * The user row an HTTP request was authenticated with, kept for the rest of that request (the
 * principal object is the key), so that `GET /me` answers without reading it again. Socket
 * principals, which live for hours, are never remembered.
 */
@Injectable()
export class AuthenticatedUsers {
  private readonly rows = new WeakMap<Principal, UserEntity>();

  remember(principal: Principal, row: UserPrincipalRow): void {
    this.rows.set(principal, toEntity(row));
  }

  /** The row `principal` was authenticated with in this request, if it was remembered. */
  of(principal: Principal): UserEntity | undefined {
    return this.rows.get(principal);
  }
}
