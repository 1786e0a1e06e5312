import type { PlatformRole } from '../common/auth/principal';

/** Why a user may not act right now, or null when it may. */
export type UserRefusal = 'blocked' | 'disabled' | 'locked' | null;

/**
 * What other modules (auth above all) know of a user: a plain read model of the users table,
 * returned by UsersService. The entity itself never leaves the users module.
 */
export interface UserAccount {
  readonly id: string;
  readonly tenantId: string;
  readonly email: string;
  readonly username: string;
  readonly displayName: string | null;
  readonly role: PlatformRole;
  /** argon2id; null for accounts that sign in through OIDC only. */
  readonly passwordHash: string | null;
  /** Raised to revoke every access token issued before. */
  readonly tokenVersion: number;
  readonly emailVerified: boolean;
  /** Blocked and disabled users are refused on every request; a lock only stops password logins. */
  readonly refusal: UserRefusal;
  readonly lockedUntil: Date | null;
  /** How many times the account was locked (the next lock lasts twice as long). */
  readonly lockoutCount: number;
}

/** A user as others may show it: in a member list, beside a message. */
export interface UserSummary {
  readonly id: string;
  readonly username: string;
  readonly displayName: string | null;
}

/** What a new user is made of (UsersService.create). */
export interface NewUser {
  tenantId: string;
  email: string;
  username: string;
  /** Plain password, checked against the policy and hashed; omit for OIDC-only users. */
  password?: string;
  displayName?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  role?: PlatformRole;
  /** Tenant role (Casbin); default `member`. */
  tenantRole?: string;
  emailVerified?: boolean;
}
