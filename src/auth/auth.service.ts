import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/auth/principal';
import { AppConfig } from '../common/config/app-config';
import { verifyPassword } from '../common/crypto/password';
import { Tx, transaction } from '../common/database/transaction';
import { AppException } from '../common/errors/app.exception';
import { TenantsService } from '../tenants/tenants.service';
import { UserDto } from '../users/dto/user.dto';
import { UserEntity } from '../users/entities/user.entity';
import { RealtimeService } from '../realtime/realtime.service';
import { UsersService } from '../users/users.service';
import { LoginDto, RegisterDto, SessionDto, TokenPairDto } from './dto/auth.dto';
import { EmailVerificationService } from './email-verification.service';
import { DeviceInfo, TokenService } from './token.service';
import { TokensRepository } from './tokens.repository';

const INVALID_CREDENTIALS = () => AppException.unauthorized('The login or password is wrong.', 'invalid-credentials');
const INVALID_REFRESH = () => AppException.unauthorized('The refresh token is invalid, expired or revoked.', 'invalid-refresh-token');

/** Registration, password login, token refresh with rotation and reuse detection, logout, sessions. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
    private readonly tokens: TokenService,
    private readonly tokensRepo: TokensRepository,
    private readonly audit: AuditService,
    private readonly emailVerification: EmailVerificationService,
    private readonly config: AppConfig,
    private readonly realtime: RealtimeService,
  ) {}

  async register(dto: RegisterDto): Promise<UserDto> {
    if (!this.config.env.REGISTRATION_ENABLED) throw AppException.forbidden('Self-registration is disabled.', 'registration-disabled');
    const tenant = await this.tenants.getDefault();
    const user = await transaction(this.dataSource, async (tx) => {
      const created = await this.users.create(tx, { ...dto, tenantId: tenant.id, tenantRole: 'member' });
      await this.audit.record(tx.manager, { action: 'auth.register', resourceType: 'user', resourceId: created.id, tenantId: tenant.id, actorId: created.id });
      await this.emailVerification.sendVerification(tx, created);
      return created;
    });
    return this.users.toDto(user);
  }

  async login(dto: LoginDto, device: DeviceInfo): Promise<TokenPairDto> {
    const user = await this.users.findByLogin(dto.login);
    const passwordOk = await verifyPassword(user?.passwordHash, dto.password);
    if (!user) {
      await transaction(this.dataSource, (tx) =>
        this.audit.record(tx.manager, { action: 'auth.login.failed', resourceType: 'user', tenantId: null, actorId: null, newValue: { login: dto.login.slice(0, 254), reason: 'unknown-user' } }),
      );
      throw INVALID_CREDENTIALS();
    }
    const lockedUntil = user.lockedUntil && user.lockedUntil > new Date() ? user.lockedUntil : null;
    if (lockedUntil) {
      await transaction(this.dataSource, (tx) =>
        this.audit.record(tx.manager, { action: 'auth.login.locked', resourceType: 'user', resourceId: user.id, tenantId: user.tenantId, actorId: user.id }),
      );
      // Only the holder of the right password learns that the account is locked (and until when).
      if (!passwordOk) throw INVALID_CREDENTIALS();
      throw this.lockedError(lockedUntil);
    }
    if (!passwordOk) {
      const lockedNow = await transaction(this.dataSource, (tx) => this.users.recordFailedLogin(tx, user));
      if (lockedNow) this.logger.warn({ msg: 'account locked after failed logins', userId: user.id, until: lockedNow.toISOString() });
      throw INVALID_CREDENTIALS();
    }
    await this.assertMayAct(user);
    return transaction(this.dataSource, async (tx) => {
      await this.users.recordSuccessfulLogin(tx, user.id);
      const { pair, sessionId } = await this.tokens.startSession(tx, user, device);
      await this.audit.record(tx.manager, { action: 'auth.login', resourceType: 'session', resourceId: sessionId, tenantId: user.tenantId, actorId: user.id });
      return pair;
    });
  }

  /** Signs a user in without a password (OIDC): a new session for an already-verified identity. */
  async startSessionFor(tx: Tx, user: UserEntity, device: DeviceInfo, method: string): Promise<TokenPairDto> {
    await this.assertMayAct(user, tx);
    await this.users.recordSuccessfulLogin(tx, user.id);
    const { pair, sessionId } = await this.tokens.startSession(tx, user, device);
    await this.audit.record(tx.manager, { action: 'auth.login', resourceType: 'session', resourceId: sessionId, tenantId: user.tenantId, actorId: user.id, newValue: { method } });
    return pair;
  }

  /**
   * Rotates a refresh token. A token presented a second time means it leaked
   * (or a client raced itself): its whole family is revoked.
   */
  async refresh(presented: string, device: DeviceInfo): Promise<TokenPairDto> {
    const outcome = await transaction(this.dataSource, async (tx) => {
      const stored = await this.tokens.findRefreshForRotation(tx, presented);
      if (!stored) return { error: INVALID_REFRESH() };
      if (stored.usedAt || stored.revokedAt) {
        if (stored.usedAt && !stored.revokedAt) {
          await this.tokensRepo.revokeFamily(tx.manager, stored.userId, stored.familyId, 'reuse-detected');
          tx.afterCommit(() => this.realtime.disconnectSession(stored.familyId, { code: 'token-revoked', detail: 'The session was revoked.' }));
          await this.audit.record(tx.manager, {
            action: 'auth.refresh.reuse',
            resourceType: 'session',
            resourceId: stored.familyId,
            tenantId: stored.tenantId,
            actorId: stored.userId,
          });
        }
        return { error: INVALID_REFRESH() };
      }
      if (stored.expiresAt <= new Date()) return { error: INVALID_REFRESH() };
      const user = await this.users.findById(stored.userId, tx);
      if (!user || this.users.refusal(user) === 'blocked' || this.users.refusal(user) === 'disabled') return { error: INVALID_REFRESH() };
      if (!(await this.tenants.findActive(user.tenantId, tx))) return { error: AppException.forbidden('The tenant is disabled.', 'tenant-disabled') };
      await this.tokensRepo.markRefreshUsed(tx.manager, stored.id);
      return { pair: await this.tokens.issuePair(tx, user, stored.familyId, device) };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.pair;
  }

  /** Ends the session the refresh token belongs to. Unknown tokens are ignored (idempotent). */
  async logout(principal: Principal, presented: string): Promise<void> {
    await transaction(this.dataSource, async (tx) => {
      const stored = await this.tokens.findRefreshForRotation(tx, presented);
      if (!stored || stored.userId !== principal.userId) return;
      await this.tokensRepo.revokeFamily(tx.manager, principal.userId, stored.familyId, 'logout');
      tx.afterCommit(() => this.realtime.disconnectSession(stored.familyId, { code: 'session-ended', detail: 'Signed out.' }));
      await this.audit.record(tx.manager, { action: 'auth.logout', resourceType: 'session', resourceId: stored.familyId });
    });
  }

  /** Revokes every token of the caller: all refresh families, and (token_version) all access tokens. */
  async logoutAll(principal: Principal): Promise<void> {
    await transaction(this.dataSource, async (tx) => {
      const version = await this.users.raiseTokenVersion(tx, principal.userId);
      const revoked = await this.tokensRepo.revokeAllFamilies(tx.manager, principal.userId, 'logout-all');
      await this.audit.record(tx.manager, { action: 'auth.logout-all', resourceType: 'user', resourceId: principal.userId, newValue: { tokenVersion: version, revokedRefreshTokens: revoked } });
    });
  }

  async listSessions(principal: Principal): Promise<SessionDto[]> {
    const rows = await this.tokensRepo.findActiveSessions(principal.userId);
    return rows.map((r) => ({
      id: r.familyId,
      deviceInfo: r.deviceInfo,
      ip: r.ip,
      createdAt: r.startedAt.toISOString(),
      lastUsedAt: r.lastUsedAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
      current: r.familyId === principal.sessionId,
    }));
  }

  /** Signs a device out at once: its refresh tokens and the access tokens bound to the session stop working. */
  async revokeSession(principal: Principal, sessionId: string): Promise<void> {
    await transaction(this.dataSource, async (tx) => {
      const revoked = await this.tokensRepo.revokeFamily(tx.manager, principal.userId, sessionId, 'revoked-by-user');
      if (revoked === 0) throw AppException.notFound('Session');
      tx.afterCommit(() => this.realtime.disconnectSession(sessionId, { code: 'session-ended', detail: 'The session was revoked.' }));
      await this.audit.record(tx.manager, { action: 'auth.session.revoke', resourceType: 'session', resourceId: sessionId });
    });
  }

  /** Blocked or disabled users, and users of a disabled tenant, may not sign in. */
  private async assertMayAct(user: UserEntity, tx?: Tx): Promise<void> {
    const refusal = this.users.refusal(user);
    if (refusal === 'blocked') throw AppException.forbidden('The account is blocked.', 'account-blocked');
    if (refusal === 'disabled') throw AppException.forbidden('The account is disabled.', 'account-disabled');
    if (!(await this.tenants.findActive(user.tenantId, tx))) throw AppException.forbidden('The tenant is disabled.', 'tenant-disabled');
  }

  private lockedError(until: Date): AppException {
    const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
    return new AppException(423, 'account-locked', {
      detail: `The account is locked after repeated failed logins; try again in ${seconds} s or ask an admin to unlock it.`,
      extensions: { lockedUntil: until.toISOString() },
      headers: { 'Retry-After': String(seconds) },
    });
  }
}
