/** Domain events of the auth module (see DomainEventMap). */

/** Why a session (a refresh-token family, one signed-in device) ended before its time. */
export type SessionRevokedReason = 'logout' | 'revoked' | 'reuse-detected';

declare module '../common/events/domain-events' {
  interface DomainEventMap {
    /** A session was revoked: its refresh tokens and the access tokens bound to it are refused. */
    'session.revoked': { tenantId: string; userId: string; sessionId: string; reason: SessionRevokedReason };
    /** An API key was revoked. */
    'api-key.revoked': { tenantId: string; userId: string; apiKeyId: string };
  }
}
