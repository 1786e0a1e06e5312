import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import type { Principal, PlatformRole } from '../common/auth/principal';
import { AppConfig } from '../common/config/app-config';
import { assertPasswordPolicy, hashPassword } from '../common/crypto/password';
import { queryReturning } from '../common/database/sql';
import { Tx, transaction } from '../common/database/transaction';
import { AppException } from '../common/errors/app.exception';
import { Page, createdAtCursor, toPage } from '../common/pagination/pagination';
import {
  BlockUserDto, CreateUserDto, PutUserSettingsDto, UpdateProfileDto, UserDto, UserQueryDto, UserSettingsDto, UserStatus,
} from './dto/user.dto';
import { UserEntity } from './entities/user.entity';
import { RealtimeService } from '../realtime/realtime.service';
import { UsersRepository } from './users.repository';

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

/** Why a user may not act right now, or null when it may. */
export type UserRefusal = 'blocked' | 'disabled' | 'locked' | null;

const PREFERENCES_MAX_BYTES = 16 * 1024;

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly realtime: RealtimeService,
  ) {}

  // ---- used by the auth module -------------------------------------------------------------

  /** Inside a transaction pass it: every query of a transaction must run on its connection. */
  findById(id: string, tx?: Tx): Promise<UserEntity | null> {
    return tx ? tx.manager.findOneBy(UserEntity, { id }) : this.users.findById(id);
  }

  findByLogin(login: string): Promise<UserEntity | null> {
    return this.users.findByLogin(login);
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findByEmail(email);
  }

  /** Blocked and disabled users are refused on every request; a lock only stops password logins. */
  refusal(user: UserEntity, now = new Date()): UserRefusal {
    if (user.isBlocked) return 'blocked';
    if (user.disabledSince || !user.isActive) return 'disabled';
    if (user.lockedUntil && user.lockedUntil > now) return 'locked';
    return null;
  }

  /** Creates a user (and its settings and tenant role) inside the caller's transaction. */
  async create(tx: Tx, input: NewUser): Promise<UserEntity> {
    const taken = await this.users.emailOrUsernameTaken(tx.manager, input.email, input.username);
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
    const user = await this.users.insert(tx.manager, {
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
    await this.access.setUserRole(tx, input.tenantId, user.id, input.tenantRole ?? 'member');
    await this.audit.record(tx.manager, {
      action: 'user.create',
      resourceType: 'user',
      resourceId: user.id,
      tenantId: input.tenantId,
      newValue: { id: user.id, email: user.email, username: user.username, role: user.role, tenantRole: input.tenantRole ?? 'member' },
    });
    return user;
  }

  /**
   * Counts a failed password login. Past LOCKOUT_THRESHOLD consecutive failures
   * the account is locked for LOCKOUT_BASE_SECONDS, doubling with each lock up to
   * LOCKOUT_MAX_SECONDS. Returns the lock end when this failure locked it.
   */
  async recordFailedLogin(tx: Tx, user: UserEntity): Promise<Date | null> {
    const failures = await this.users.incrementFailedLogins(tx.manager, user.id);
    await this.audit.record(tx.manager, {
      action: 'auth.login.failed',
      resourceType: 'user',
      resourceId: user.id,
      tenantId: user.tenantId,
      actorId: user.id,
      newValue: { failedLoginAttempts: failures },
    });
    const { LOCKOUT_THRESHOLD, LOCKOUT_BASE_SECONDS, LOCKOUT_MAX_SECONDS } = this.config.env;
    if (failures < LOCKOUT_THRESHOLD) return null;
    const locked = await this.users.lockById(tx.manager, user.id);
    if (!locked) return null;
    const seconds = Math.min(LOCKOUT_MAX_SECONDS, LOCKOUT_BASE_SECONDS * 2 ** Math.min(locked.lockoutCount, 30));
    locked.lockoutCount += 1;
    locked.failedLoginAttempts = 0;
    locked.lockedUntil = new Date(Date.now() + seconds * 1000);
    await this.users.save(tx.manager, locked);
    await this.audit.record(tx.manager, {
      action: 'auth.lock',
      resourceType: 'user',
      resourceId: user.id,
      tenantId: user.tenantId,
      actorId: user.id,
      newValue: { lockedUntil: locked.lockedUntil.toISOString(), lockSeconds: seconds, lockoutCount: locked.lockoutCount },
    });
    return locked.lockedUntil;
  }

  /** A successful login resets the failure count (not the lock history, which only an admin unlock clears). */
  async recordSuccessfulLogin(tx: Tx, userId: string): Promise<void> {
    await tx.manager.update(UserEntity, { id: userId }, { failedLoginAttempts: 0, lockedUntil: null, lastLoginAt: new Date() });
  }

  async setPassword(tx: Tx, userId: string, password: string): Promise<void> {
    const user = await this.users.lockById(tx.manager, userId);
    if (!user) throw AppException.notFound('User');
    assertPasswordPolicy(password, user);
    user.passwordHash = await hashPassword(password);
    user.failedLoginAttempts = 0;
    user.lockedUntil = null;
    user.tokenVersion += 1;
    await this.users.save(tx.manager, user);
    tx.afterCommit(() => this.realtime.disconnectUser(userId, { code: 'token-revoked', detail: 'The password was changed.' }));
    await this.audit.record(tx.manager, { action: 'user.password.change', resourceType: 'user', resourceId: userId, tenantId: user.tenantId, actorId: userId });
  }

  async markEmailVerified(tx: Tx, userId: string): Promise<void> {
    await tx.manager.update(UserEntity, { id: userId }, { emailVerified: true, emailVerifiedAt: new Date() });
  }

  /** Revokes every access token of the user issued before now. */
  async raiseTokenVersion(tx: Tx, userId: string): Promise<number> {
    const rows = await queryReturning<{ token_version: number }>(
      tx.manager,
      `UPDATE users SET token_version = token_version + 1 WHERE id = $1 RETURNING token_version`,
      [userId],
    );
    tx.afterCommit(() => this.realtime.disconnectUser(userId, { code: 'token-revoked', detail: 'Every session was signed out.' }));
    return rows[0]?.token_version ?? 0;
  }

  touchLastSeen(userId: string): Promise<void> {
    return this.users.touchLastSeen(userId);
  }

  // ---- /me -----------------------------------------------------------------------------------

  async getProfile(principal: Principal): Promise<UserDto> {
    return this.toDto(await this.requireInTenant(principal.tenantId, principal.userId));
  }

  async updateProfile(principal: Principal, dto: UpdateProfileDto): Promise<UserDto> {
    return transaction(this.dataSource, async (tx) => {
      const user = await this.lockInTenant(tx, principal.tenantId, principal.userId);
      const before = profileOf(user);
      Object.assign(user, dto);
      const saved = await this.users.save(tx.manager, user);
      await this.audit.record(tx.manager, { action: 'user.profile.update', resourceType: 'user', resourceId: user.id, oldValue: before, newValue: profileOf(saved) });
      return this.toDto(saved, tx);
    });
  }

  async getSettings(principal: Principal): Promise<UserSettingsDto> {
    const settings = await this.users.findSettings(principal.userId);
    if (!settings) throw AppException.notFound('Settings');
    return { defaultModelId: settings.defaultModelId, preferences: settings.preferences, updatedAt: settings.updatedAt.toISOString() };
  }

  async putSettings(principal: Principal, dto: PutUserSettingsDto): Promise<UserSettingsDto> {
    if (Buffer.byteLength(JSON.stringify(dto.preferences)) > PREFERENCES_MAX_BYTES) {
      throw AppException.invalidField('preferences', `preferences must be at most ${PREFERENCES_MAX_BYTES} bytes of JSON`, 'maxSize');
    }
    return transaction(this.dataSource, async (tx) => {
      const settings = await this.users.findSettings(principal.userId, tx.manager);
      if (!settings) throw AppException.notFound('Settings');
      const before = { defaultModelId: settings.defaultModelId, preferences: settings.preferences };
      settings.defaultModelId = dto.defaultModelId ?? null;
      settings.preferences = dto.preferences;
      const saved = await this.users.saveSettings(tx.manager, settings);
      await this.audit.record(tx.manager, {
        action: 'user.settings.update',
        resourceType: 'user-settings',
        resourceId: principal.userId,
        oldValue: before,
        newValue: { defaultModelId: saved.defaultModelId, preferences: saved.preferences },
      });
      return { defaultModelId: saved.defaultModelId, preferences: saved.preferences, updatedAt: saved.updatedAt.toISOString() };
    });
  }

  // ---- tenant admin actions ------------------------------------------------------------------

  async list(tenantId: string, query: UserQueryDto): Promise<Page<UserDto>> {
    const rows = await this.users.findPage(tenantId, query);
    const page = toPage(rows, query.limit, (u) => u, createdAtCursor);
    return { items: await Promise.all(page.items.map((u) => this.toDto(u))), nextCursor: page.nextCursor };
  }

  async get(tenantId: string, id: string): Promise<UserDto> {
    return this.toDto(await this.requireInTenant(tenantId, id));
  }

  async adminCreate(principal: Principal, dto: CreateUserDto): Promise<UserDto> {
    const user = await transaction(this.dataSource, (tx) =>
      this.create(tx, {
        email: dto.email,
        username: dto.username,
        password: dto.password,
        displayName: dto.displayName,
        tenantId: principal.tenantId,
        tenantRole: dto.role ?? 'member',
      }),
    );
    return this.toDto(user);
  }

  async block(principal: Principal, id: string, dto: BlockUserDto): Promise<UserDto> {
    const out = await this.adminChange(principal, id, 'user.block', (u) => {
      u.isBlocked = true;
      u.blockedReason = dto.reason ?? null;
    });
    this.realtime.disconnectUser(id, { code: 'account-blocked', detail: 'The account is blocked.' });
    return out;
  }

  unblock(principal: Principal, id: string): Promise<UserDto> {
    return this.adminChange(principal, id, 'user.unblock', (u) => {
      u.isBlocked = false;
      u.blockedReason = null;
    });
  }

  async setDisabled(principal: Principal, id: string, disabled: boolean): Promise<UserDto> {
    const out = await this.adminChange(principal, id, disabled ? 'user.disable' : 'user.enable', (u) => {
      u.disabledSince = disabled ? (u.disabledSince ?? new Date()) : null;
      u.isActive = !disabled;
    });
    if (disabled) this.realtime.disconnectUser(id, { code: 'account-disabled', detail: 'The account is disabled.' });
    return out;
  }

  unlock(principal: Principal, id: string): Promise<UserDto> {
    return this.adminChange(principal, id, 'auth.unlock', (u) => {
      u.lockedUntil = null;
      u.failedLoginAttempts = 0;
      u.lockoutCount = 0;
    });
  }

  setPlatformRole(principal: Principal, id: string, role: PlatformRole): Promise<UserDto> {
    return this.adminChange(principal, id, 'user.platform-role.change', (u) => {
      u.role = role;
    });
  }

  async setTenantRole(principal: Principal, id: string, role: string): Promise<UserDto> {
    if (id === principal.userId) throw AppException.conflict('You cannot change your own tenant role.', 'self-change');
    const before = await this.access.getUserRoles(principal.tenantId, id);
    await transaction(this.dataSource, async (tx) => {
      const user = await this.lockInTenant(tx, principal.tenantId, id);
      await this.access.setUserRole(tx, principal.tenantId, user.id, role);
      await this.audit.record(tx.manager, { action: 'user.role.change', resourceType: 'user', resourceId: id, oldValue: { tenantRoles: before }, newValue: { tenantRole: role } });
    });
    return this.get(principal.tenantId, id);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    if (id === principal.userId) throw AppException.conflict('You cannot delete yourself.', 'self-change');
    await transaction(this.dataSource, async (tx) => {
      const user = await this.lockInTenant(tx, principal.tenantId, id);
      await this.access.removeUser(tx, principal.tenantId, id);
      await this.users.delete(tx.manager, id);
      tx.afterCommit(() => this.realtime.disconnectUser(id, { code: 'account-deleted', detail: 'The account was deleted.' }));
      await this.audit.record(tx.manager, { action: 'user.delete', resourceType: 'user', resourceId: id, oldValue: { email: user.email, username: user.username } });
    });
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Changes a user of the caller's tenant, with an audit entry, in one transaction; refuses self-lockout. */
  private async adminChange(principal: Principal, id: string, action: string, change: (user: UserEntity) => void): Promise<UserDto> {
    if (id === principal.userId && action !== 'auth.unlock') throw AppException.conflict('You cannot do this to yourself.', 'self-change');
    return transaction(this.dataSource, async (tx) => {
      const user = await this.lockInTenant(tx, principal.tenantId, id);
      const before = adminStateOf(user);
      change(user);
      const saved = await this.users.save(tx.manager, user);
      await this.audit.record(tx.manager, { action, resourceType: 'user', resourceId: id, oldValue: before, newValue: adminStateOf(saved) });
      return this.toDto(saved, tx);
    });
  }

  private async requireInTenant(tenantId: string, id: string): Promise<UserEntity> {
    const user = await this.users.findInTenant(tenantId, id);
    if (!user) throw AppException.notFound('User');
    return user;
  }

  private async lockInTenant(tx: Tx, tenantId: string, id: string): Promise<UserEntity> {
    const user = await this.users.lockInTenant(tx.manager, tenantId, id);
    if (!user) throw AppException.notFound('User');
    return user;
  }

  private status(user: UserEntity): UserStatus {
    return this.refusal(user) ?? 'active';
  }

  /** Inside a transaction pass it, so that roles are read on its connection (and see its changes). */
  async toDto(u: UserEntity, tx?: Tx): Promise<UserDto> {
    return {
      id: u.id,
      tenantId: u.tenantId,
      email: u.email,
      username: u.username,
      displayName: u.displayName,
      firstName: u.firstName,
      lastName: u.lastName,
      role: u.role,
      tenantRoles: await this.access.getUserRoles(u.tenantId, u.id, tx),
      status: this.status(u),
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
}

function profileOf(u: UserEntity): Record<string, unknown> {
  const { displayName, firstName, lastName, avatarUrl, language, conferenceTheme, dashboardTheme, phone, title, country, profession } = u;
  return { displayName, firstName, lastName, avatarUrl, language, conferenceTheme, dashboardTheme, phone, title, country, profession };
}

function adminStateOf(u: UserEntity): Record<string, unknown> {
  return {
    role: u.role,
    isBlocked: u.isBlocked,
    blockedReason: u.blockedReason,
    disabledSince: u.disabledSince?.toISOString() ?? null,
    lockedUntil: u.lockedUntil?.toISOString() ?? null,
    lockoutCount: u.lockoutCount,
  };
}
