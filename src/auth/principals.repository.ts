import { Injectable } from '@nestjs/common';
import type { ApiKeyScope } from '../common/auth/principal';
import { Transactions } from '../common/database/transactions';
import { USER_PRINCIPALS_VIEW, UserPrincipalRow } from '../users/user-principal';

export type AccessTokenPrincipalRow = UserPrincipalRow & { session_revoked: boolean };
export type ApiKeyPrincipalRow = UserPrincipalRow & {
  api_key_id: string;
  api_key_scope: ApiKeyScope;
  api_key_revoked_at: Date | null;
  api_key_expires_at: Date | null;
};

/**
 * One statement per authenticated request: the user and its tenant's state (the users module's
 * read model `user_principals`) with the credential's own state (the session family of an access
 * token, or the API key), joined in the database. Raw SQL: this runs on every request.
 */
@Injectable()
export class PrincipalsRepository {
  private readonly forAccessToken = `SELECT p.*, EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = $2 AND r.revoked_at IS NOT NULL) AS session_revoked
    FROM ${USER_PRINCIPALS_VIEW} p WHERE p.id = $1`;

  private readonly forApiKey = `SELECT p.*, k.id AS api_key_id, k.scope AS api_key_scope, k.revoked_at AS api_key_revoked_at, k.expires_at AS api_key_expires_at
    FROM api_keys k JOIN ${USER_PRINCIPALS_VIEW} p ON p.id = k.user_id WHERE k.key_hash = $1`;

  constructor(private readonly transactions: Transactions) {}

  /** The user of an access token (any tenant: the caller compares it with the token's) and whether its session was revoked. */
  async findForAccessToken(userId: string, sessionId: string): Promise<AccessTokenPrincipalRow | null> {
    const rows = await this.transactions.query<AccessTokenPrincipalRow>(this.forAccessToken, [userId, sessionId]);
    return rows[0] ?? null;
  }

  /** The API key of a presented secret's hash, with its user. */
  async findForApiKey(keyHash: string): Promise<ApiKeyPrincipalRow | null> {
    const rows = await this.transactions.query<ApiKeyPrincipalRow>(this.forApiKey, [keyHash]);
    return rows[0] ?? null;
  }
}
