import { Injectable } from '@nestjs/common';
import type { SessionRevokedReason } from '../auth/auth.events';
import { OnDomainEvent, type DomainEventPayload } from '../common/events/domain-events';
import type { TenantRef } from '../tenants/tenants.events';
import type { TokensRevokedReason } from '../users/users.events';
import { RealtimeService } from './realtime.service';
import type { SessionEndedPayload } from './socket.types';

const TOKENS_REVOKED: Record<TokensRevokedReason, SessionEndedPayload> = {
  'password-changed': { code: 'token-revoked', detail: 'The password was changed.' },
  'signed-out-everywhere': { code: 'token-revoked', detail: 'Every session was signed out.' },
};

const SESSION_REVOKED: Record<SessionRevokedReason, SessionEndedPayload> = {
  logout: { code: 'session-ended', detail: 'Signed out.' },
  revoked: { code: 'session-ended', detail: 'The session was revoked.' },
  'reuse-detected': { code: 'token-revoked', detail: 'The session was revoked.' },
};

/**
 * Drops live sockets, on every node, the moment the credential they were opened with stops being
 * valid: the domain modules publish what happened, this listener decides which sockets go. Each
 * socket is told why (`session:ended`) before the server disconnects it.
 */
@Injectable()
export class SessionEvictionListener {
  constructor(private readonly realtime: RealtimeService) {}

  @OnDomainEvent('user.blocked')
  userBlocked({ userId }: DomainEventPayload<'user.blocked'>): void {
    this.realtime.disconnectUser(userId, { code: 'account-blocked', detail: 'The account is blocked.' });
  }

  @OnDomainEvent('user.disabled')
  userDisabled({ userId }: DomainEventPayload<'user.disabled'>): void {
    this.realtime.disconnectUser(userId, { code: 'account-disabled', detail: 'The account is disabled.' });
  }

  @OnDomainEvent('user.deleted')
  userDeleted({ userId }: DomainEventPayload<'user.deleted'>): void {
    this.realtime.disconnectUser(userId, { code: 'account-deleted', detail: 'The account was deleted.' });
  }

  @OnDomainEvent('user.tokens-revoked')
  tokensRevoked({ userId, reason }: DomainEventPayload<'user.tokens-revoked'>): void {
    this.realtime.disconnectUser(userId, TOKENS_REVOKED[reason]);
  }

  @OnDomainEvent('session.revoked')
  sessionRevoked({ sessionId, reason }: DomainEventPayload<'session.revoked'>): void {
    this.realtime.disconnectSession(sessionId, SESSION_REVOKED[reason]);
  }

  @OnDomainEvent('api-key.revoked')
  apiKeyRevoked({ apiKeyId }: DomainEventPayload<'api-key.revoked'>): void {
    this.realtime.disconnectApiKey(apiKeyId);
  }

  @OnDomainEvent('tenant.disabled')
  tenantDisabled({ tenantId }: TenantRef): void {
    this.realtime.disconnectTenant(tenantId);
  }
}
