import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { assertPasswordPolicy, hashPassword } from '../common/crypto/password';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { DomainEvents } from '../common/events/domain-events';
import { Page, createdAtCursor, toPage } from '../common/pagination/pagination';
import { UserDirectoryEntryDto, UserDirectoryQueryDto, UserDto } from './dto/user.dto';
import { NewUser, UserAccount, UserSummary } from './user-account';
import type { TokensRevokedReason } from './users.events';
import { adminStateOf, toUserAccount, toUserDirectoryEntryDto, toUserDto, toUserSummary } from './users.mapper';
import { UsersRepository } from './users.repository';

/** A lock just put on an account (UsersService.lockAccount). */
export interface AccountLock {
  lockedUntil: Date;
  seconds: number;
  /** Locks so far, this one included. */
  lockoutCount: number;
}

/**
 * The users directory for the other modules: look-ups (as UserAccount and UserSummary read
 * models, never entities), creation, and the credential bookkeeping that lives on the user row
 * (failed logins, locks, token version, password, e-mail verification). Writes join the caller's
 * transaction. Tenant admin actions are UserAdminService's; the caller's own profile is
 * ProfileService's.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  // ---- look-ups ------------------------------------------------------------------------------

  /** A user of any tenant, by id (credentials carry the user id). */
  async findById(id: string): Promise<UserAccount | null> {
    const user = await this.users.findById(id);
    return user && toUserAccount(user);
  }

  async findInTenant(tenantId: string, id: string): Promise<UserAccount | null> {
    const user = await this.users.findInTenant(tenantId, id);
    return user && toUserAccount(user);
  }

  /** By e-mail or username, case-insensitively. */
  async findByLogin(login: string): Promise<UserAccount | null> {
    const user = await this.users.findByLogin(login);
    return user && toUserAccount(user);
  }

  async findByEmail(email: string): Promise<UserAccount | null> {
    const user = await this.users.findByEmail(email);
    return user && toUserAccount(user);
  }

  /** Names to show for `ids` (users of the tenant only; the others are left out), by id. */
  async summaries(tenantId: string, ids: readonly string[]): Promise<Map<string, UserSummary>> {
    const users = await this.users.findManyInTenant(tenantId, ids);
    return new Map(users.map((u) => [u.id, toUserSummary(u)]));
  }

  async platformAdminExists(): Promise<boolean> {
    return this.users.platformAdminExists();
  }

  /** A user of the tenant as the API shows it (404 when there is none). */
  async get(tenantId: string, id: string): Promise<UserDto> {
    const user = await this.users.findInTenant(tenantId, id);
    if (!user) throw AppException.notFound('User');
    return toUserDto(user, await this.access.getUserRoles(user.tenantId, user.id));
  }

  /** A page of the tenant's directory (`GET /users/directory`): who is there, no admin fields. */
  async directory(tenantId: string, query: UserDirectoryQueryDto): Promise<Page<UserDirectoryEntryDto>> {
    const rows = await this.users.findDirectoryPage(tenantId, query);
    return toPage(rows, query.limit, toUserDirectoryEntryDto, createdAtCursor);
  }

  /** One directory entry of the tenant (404 when there is none). */
  async directoryEntry(tenantId: string, id: string): Promise<UserDirectoryEntryDto> {
    const user = await this.users.findInTenant(tenantId, id);
    if (!user) throw AppException.notFound('User');
    return toUserDirectoryEntryDto(user);
  }

  // ---- creation ------------------------------------------------------------------------------

  /** Creates a user, its settings and its tenant role, with an audit entry, in the caller's transaction (or its own). */
  async create(input: NewUser): Promise<UserAccount> {
    return this.transactions.run(async () => {
      const taken = await this.users.emailOrUsernameTaken(input.email, input.username);
      if (taken.email || taken.username) {
        throw new AppException(409, 'user-exists', {
          detail: 'A user with this e-mail or username exists.',
          errors: [
            ...(taken.email ? [{ field: 'email', message: 'email is taken', code: 'unique' }] : []),
            ...(taken.username ? [{ field: 'username', message: 'username is taken', code: 'unique' }] : []),
          ],
        });
      }
      if (input.password !== undefined) assertPasswordPolicy(input.password, input);
      const user = await this.users.insert({
        tenantId: input.tenantId,
        email: input.email,
        username: input.username,
        displayName: input.displayName ?? null,
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        passwordHash: input.password !== undefined ? await hashPassword(input.password) : null,
        role: input.role ?? 'user',
        emailVerified: input.emailVerified ?? false,
        emailVerifiedAt: input.emailVerified ? new Date() : null,
      });
      const tenantRole = input.tenantRole ?? 'member';
      await this.access.setUserRole(input.tenantId, user.id, tenantRole);
      await this.audit.record({
        action: 'user.create',
        resourceType: 'user',
        resourceId: user.id,
        tenantId: input.tenantId,
        newValue: { id: user.id, email: user.email, username: user.username, role: user.role, tenantRole },
      });
      return toUserAccount(user);
    });
  }

  // ---- credential bookkeeping (the auth module) -------------------------------------------

  /** Counts a failed password login; returns the consecutive failures so far. */
  recordFailedLogin(userId: string): Promise<number> {
    return this.users.incrementFailedLogins(userId);
  }

  /**
   * Locks the account under a row lock: `lockFor(previousLocks)` says for how many seconds. The
   * failure count starts again. Null when the user is gone.
   */
  async lockAccount(userId: string, lockFor: (previousLocks: number) => number): Promise<AccountLock | null> {
    return this.transactions.run(async () => {
      const user = await this.users.lockById(userId);
      if (!user) return null;
      const seconds = lockFor(user.lockoutCount);
      user.lockoutCount += 1;
      user.failedLoginAttempts = 0;
      user.lockedUntil = new Date(Date.now() + seconds * 1000);
      await this.users.save(user);
      return { lockedUntil: user.lockedUntil, seconds, lockoutCount: user.lockoutCount };
    });
  }

  /** A successful sign-in: the failure count and an expired lock are cleared (not the lock history, which only an admin unlock clears). */
  async recordLogin(userId: string): Promise<void> {
    await this.users.update(userId, { failedLoginAttempts: 0, lockedUntil: null, lastLoginAt: new Date() });
  }

  async markEmailVerified(userId: string): Promise<void> {
    await this.users.update(userId, { emailVerified: true, emailVerifiedAt: new Date() });
  }

  /** Sets a new password (checked against the policy); every access token issued before is revoked. */
  async setPassword(userId: string, password: string): Promise<void> {
    await this.transactions.run(async () => {
      const user = await this.users.lockById(userId);
      if (!user) throw AppException.notFound('User');
      assertPasswordPolicy(password, user);
      user.passwordHash = await hashPassword(password);
      user.failedLoginAttempts = 0;
      user.lockedUntil = null;
      user.tokenVersion += 1;
      await this.users.save(user);
      await this.audit.record({ action: 'user.password.change', resourceType: 'user', resourceId: userId, tenantId: user.tenantId, actorId: userId });
      this.events.emit('user.tokens-revoked', { tenantId: user.tenantId, userId, reason: 'password-changed' });
    });
  }

  /**
   * The operator's recovery of a platform admin (`npm run admin:recover`): unblocked, enabled, the
   * lockout cleared, the platform role `admin`, every access token issued before revoked, and the
   * password replaced when one is given (checked against the policy). Returns the account before
   * and after, as the audit log keeps admin changes. In the caller's transaction.
   */
  async restorePlatformAdmin(userId: string, password?: string): Promise<{ before: Record<string, unknown>; after: Record<string, unknown> }> {
    return this.transactions.run(async () => {
      const user = await this.users.lockById(userId);
      if (!user) throw AppException.notFound('User');
      const before = adminStateOf(user);
      if (password !== undefined) {
        assertPasswordPolicy(password, user);
        user.passwordHash = await hashPassword(password);
      }
      Object.assign(user, { role: 'admin', isBlocked: false, blockedReason: null, disabledSince: null, isActive: true });
      Object.assign(user, { lockedUntil: null, failedLoginAttempts: 0, lockoutCount: 0, tokenVersion: user.tokenVersion + 1 });
      const saved = await this.users.save(user);
      return { before, after: adminStateOf(saved) };
    });
  }

  /** Revokes every access token of the user issued before now; returns the new token version. */
  async revokeTokens(userId: string, reason: TokensRevokedReason): Promise<number> {
    return this.transactions.run(async () => {
      const user = await this.users.findById(userId);
      if (!user) throw AppException.notFound('User');
      const version = await this.users.raiseTokenVersion(userId);
      this.events.emit('user.tokens-revoked', { tenantId: user.tenantId, userId, reason });
      return version;
    });
  }

  /** last_seen_at, at most once a minute (outside any transaction: fire and forget). */
  touchLastSeen(userId: string): Promise<void> {
    return this.users.touchLastSeen(userId);
  }
}
