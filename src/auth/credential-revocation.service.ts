import { Injectable } from '@nestjs/common';
import { DomainEvents } from '../common/events/domain-events';
import { TokensRepository } from './tokens.repository';

/** Why every credential of a user ended at once. */
export type AllCredentialsRevokedReason = 'logout-all' | 'password-change' | 'password-reset';

/** How many credentials a revocation ended (for the audit entry, whose redaction would hide members named after tokens or API keys). */
export interface RevokedCredentials {
  revokedSessions: number;
  revokedKeys: number;
}

/**
 * Ends every credential a user holds besides its password: every session (refresh-token family)
 * and every API key. Logout-all, a password change and a password reset call it in their
 * transaction, beside raising the token version (which ends the access tokens).
 */
@Injectable()
export class CredentialRevocation {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly events: DomainEvents,
  ) {}

  /** In the caller's transaction; after the commit, the sockets opened with each key go (`api-key.revoked`). */
  async revokeAll(tenantId: string, userId: string, reason: AllCredentialsRevokedReason): Promise<RevokedCredentials> {
    const revokedSessions = await this.tokens.revokeAllFamilies(tenantId, userId, reason);
    const apiKeyIds = await this.tokens.revokeAllApiKeys(tenantId, userId, reason);
    for (const apiKeyId of apiKeyIds) this.events.emit('api-key.revoked', { tenantId, userId, apiKeyId });
    return { revokedSessions, revokedKeys: apiKeyIds.length };
  }
}
