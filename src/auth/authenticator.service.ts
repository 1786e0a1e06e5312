import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { sha256 } from '../common/crypto/crypto';
import { AppException } from '../common/errors/app.exception';
import type { ErrorCode } from '../common/errors/error-codes';
import { AuthenticatedUsers, UserPrincipalRow, principalAccount } from '../users/user-principal';
import { UsersService } from '../users/users.service';
import { ApiKeysService } from './api-keys.service';
import { PrincipalsRepository } from './principals.repository';
import { API_KEY_PREFIX, isApiKey } from './strategies/credentials';
import { TokenService, isAccessClaims } from './token.service';

const refused = (detail: string, code: ErrorCode = 'invalid-token') => AppException.unauthorized(detail, code);

/** last_seen_at and last_used_at are written at most once a minute; remember when, to skip the query meanwhile. */
const TOUCH_INTERVAL_MS = 60_000;
const TOUCH_MEMORY = 10_000;
/** Longer than any key we make: longer ones are not looked up. */
const API_KEY_MAX_LENGTH = 200;

export interface AuthenticateOptions {
  /** Keep the user row for the rest of this HTTP request (GET /me answers from it). Never for sockets. */
  rememberForRequest?: boolean;
}

/**
 * Turns a presented credential (an access token or an API key) into a Principal, with one SQL
 * statement, checking the user's current state on every call: a blocked, disabled or deleted
 * user, a raised token version, a revoked session or key, or a disabled tenant is refused on the
 * very next request. HTTP (through the Passport strategies) and Socket.IO handshakes both use it.
 */
@Injectable()
export class AuthenticatorService {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly tokens: TokenService,
    private readonly principals: PrincipalsRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly users: UsersService,
    private readonly authenticated: AuthenticatedUsers,
  ) {}

  /** A presented credential, as the Socket.IO handshake gets it: an API key or an access token. */
  async authenticate(credential: string): Promise<Principal> {
    if (isApiKey(credential)) return this.fromApiKey(credential);
    const claims = this.tokens.verifyAccess(credential);
    if (!claims) throw refused('The access token is malformed, expired or not signed by this server.');
    return this.fromAccessClaims(claims);
  }

  /**
   * The claims of an access token whose signature, expiry, issuer and audience were verified (by
   * TokenService, or by the passport-jwt strategy with the same options), checked for shape and
   * against the user's current state.
   */
  async fromAccessClaims(verified: unknown, options: AuthenticateOptions = {}): Promise<Principal> {
    if (!isAccessClaims(verified)) throw refused('The access token is malformed, expired or not signed by this server.');
    const row = await this.principals.findForAccessToken(verified.sub, verified.sid);
    if (!row || row.tenant_id !== verified.tid) throw refused('The access token belongs to no user.');
    // Blocking or disabling revokes the user's tokens: the account's state is the better answer.
    refuseBlockedOrDisabled(row);
    if (row.token_version !== verified.ver || row.session_revoked) throw refused('The access token was revoked.', 'token-revoked');
    const exp = (verified as { exp?: unknown }).exp;
    const principal: Principal = {
      userId: row.id, tenantId: row.tenant_id, role: row.role, via: 'access-token', sessionId: verified.sid,
      ...(typeof exp === 'number' && { expiresAt: exp * 1000 }),
    };
    return this.accept(principal, row, options);
  }

  /** A presented API key: live (not revoked, not expired), and its user allowed to act. */
  async fromApiKey(presented: string, options: AuthenticateOptions = {}): Promise<Principal> {
    const row = presented.startsWith(API_KEY_PREFIX) && presented.length <= API_KEY_MAX_LENGTH ? await this.principals.findForApiKey(sha256(presented)) : null;
    if (!row || row.api_key_revoked_at || (row.api_key_expires_at && row.api_key_expires_at <= new Date())) {
      throw refused('The API key is unknown, revoked or expired.', 'invalid-api-key');
    }
    if (this.due(`k:${row.api_key_id}`)) void this.apiKeys.touch(row.api_key_id).catch(() => undefined);
    const principal: Principal = {
      userId: row.id, tenantId: row.tenant_id, role: row.role, via: 'api-key', apiKeyId: row.api_key_id, apiKeyScope: row.api_key_scope,
      ...(row.api_key_expires_at && { expiresAt: row.api_key_expires_at.getTime() }),
    };
    return this.accept(principal, row, options);
  }

  private accept(principal: Principal, row: UserPrincipalRow, options: AuthenticateOptions): Principal {
    const account = refuseBlockedOrDisabled(row);
    if (!account.tenantActive) throw refused('The tenant is disabled.', 'tenant-disabled');
    if (this.due(`u:${row.id}`)) void this.users.touchLastSeen(row.id).catch(() => undefined);
    if (options.rememberForRequest) this.authenticated.remember(principal, row);
    return principal;
  }

  private due(key: string): boolean {
    const now = Date.now();
    const last = this.touched.get(key);
    if (last !== undefined && now - last < TOUCH_INTERVAL_MS) return false;
    if (this.touched.size >= TOUCH_MEMORY) this.touched.clear();
    this.touched.set(key, now);
    return true;
  }
}

/** The account of a principal row; 401 `account-blocked` / `account-disabled` when it may not act. */
function refuseBlockedOrDisabled(row: UserPrincipalRow): ReturnType<typeof principalAccount> {
  const account = principalAccount(row);
  if (account.refusal === 'blocked') throw refused('The account is blocked.', 'account-blocked');
  if (account.refusal === 'disabled') throw refused('The account is disabled.', 'account-disabled');
  return account;
}
