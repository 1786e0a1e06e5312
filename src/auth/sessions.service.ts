import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/auth/principal';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { DomainEvents } from '../common/events/domain-events';
import { TenantsService } from '../tenants/tenants.service';
import { UsersService } from '../users/users.service';
import { CredentialRevocation } from './credential-revocation.service';
import { SessionDto, TokenPairDto } from './dto/auth.dto';
import { DeviceInfo, TokenService } from './token.service';
import { TokensRepository } from './tokens.repository';

const INVALID_REFRESH = () => AppException.unauthorized('The refresh token is invalid, expired or revoked.', 'invalid-refresh-token');

/**
 * Sessions (refresh-token families, one per signed-in device): rotation with reuse detection,
 * logout of one device or of all, the caller's list of devices. A revoked session is published
 * (`session.revoked`, `user.tokens-revoked`), so its live sockets go too.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
    private readonly tokens: TokenService,
    private readonly tokensRepo: TokensRepository,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly credentials: CredentialRevocation,
  ) {}

  /**
   * Rotates a refresh token. A token presented a second time means it leaked
   * (or a client raced itself): its whole family is revoked.
   */
  async refresh(presented: string, device: DeviceInfo): Promise<TokenPairDto> {
    const outcome = await this.transactions.run(async () => {
      const stored = await this.tokens.findRefreshForRotation(presented);
      if (!stored) return { error: INVALID_REFRESH() };
      if (stored.usedAt || stored.revokedAt) {
        if (stored.usedAt && !stored.revokedAt) {
          await this.tokensRepo.revokeFamily(stored.tenantId, stored.userId, stored.familyId, 'reuse-detected');
          this.events.emit('session.revoked', { tenantId: stored.tenantId, userId: stored.userId, sessionId: stored.familyId, reason: 'reuse-detected' });
          await this.audit.record({
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
      const user = await this.users.findById(stored.userId);
      if (!user || user.refusal === 'blocked' || user.refusal === 'disabled') return { error: INVALID_REFRESH() };
      if (!(await this.tenants.isActive(user.tenantId))) return { error: AppException.forbidden('The tenant is disabled.', 'tenant-disabled') };
      await this.tokensRepo.markRefreshUsed(stored.id);
      return { pair: await this.tokens.issuePair(user, stored.familyId, device) };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.pair;
  }

  /** Ends the session the refresh token belongs to. Unknown tokens are ignored (idempotent). */
  async logout(principal: Principal, presented: string): Promise<void> {
    await this.transactions.run(async () => {
      const stored = await this.tokens.findRefreshForRotation(presented);
      if (!stored || stored.userId !== principal.userId) return;
      await this.tokensRepo.revokeFamily(principal.tenantId, principal.userId, stored.familyId, 'logout');
      this.events.emit('session.revoked', { tenantId: principal.tenantId, userId: principal.userId, sessionId: stored.familyId, reason: 'logout' });
      await this.audit.record({ action: 'auth.logout', resourceType: 'session', resourceId: stored.familyId });
    });
  }

  /** Revokes every credential of the caller: all refresh families, all API keys, and (token_version) all access tokens. */
  async logoutAll(principal: Principal): Promise<void> {
    await this.transactions.run(async () => {
      const version = await this.users.revokeTokens(principal.userId, 'signed-out-everywhere');
      const revoked = await this.credentials.revokeAll(principal.tenantId, principal.userId, 'logout-all');
      await this.audit.record({ action: 'auth.logout-all', resourceType: 'user', resourceId: principal.userId, newValue: { tokenVersion: version, ...revoked } });
    });
  }

  async listSessions(principal: Principal): Promise<SessionDto[]> {
    const rows = await this.tokensRepo.findActiveSessions(principal.tenantId, principal.userId);
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
    await this.transactions.run(async () => {
      const revoked = await this.tokensRepo.revokeFamily(principal.tenantId, principal.userId, sessionId, 'revoked-by-user');
      if (revoked === 0) throw AppException.notFound('Session');
      this.events.emit('session.revoked', { tenantId: principal.tenantId, userId: principal.userId, sessionId, reason: 'revoked' });
      await this.audit.record({ action: 'auth.session.revoke', resourceType: 'session', resourceId: sessionId });
    });
  }

}
