import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { AppException } from '../common/errors/app.exception';
import type { ErrorCode } from '../common/errors/error-codes';
import { TenantsService } from '../tenants/tenants.service';
import type { UserAccount } from '../users/user-account';
import { UsersService } from '../users/users.service';
import { ApiKeysService } from './api-keys.service';
import { isApiKey } from './strategies/credentials';
import { TokenService, isAccessClaims } from './token.service';
import { TokensRepository } from './tokens.repository';

const refused = (detail: string, code: ErrorCode = 'invalid-token') => AppException.unauthorized(detail, code);

/** last_seen_at and last_used_at are written at most once a minute; remember when, to skip the query meanwhile. */
const TOUCH_INTERVAL_MS = 60_000;
const TOUCH_MEMORY = 10_000;

/**
 * Turns a presented credential (an access token or an API key) into a Principal,
 * checking the user's current state on every call: a blocked, disabled or deleted
 * user, a raised token version, a revoked session or key, or a disabled tenant is
 * refused on the very next request. HTTP and Socket.IO handshakes both use it.
 */
@Injectable()
export class AuthenticatorService {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly tokens: TokenService,
    private readonly tokensRepo: TokensRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
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
  async fromAccessClaims(verified: unknown): Promise<Principal> {
    if (!isAccessClaims(verified)) throw refused('The access token is malformed, expired or not signed by this server.');
    const claims = verified;
    const [user, familyRevoked] = await Promise.all([this.users.findById(claims.sub), this.tokensRepo.isFamilyRevoked(claims.sid)]);
    if (!user || user.tenantId !== claims.tid) throw refused('The access token belongs to no user.');
    if (user.tokenVersion !== claims.ver || familyRevoked) throw refused('The access token was revoked.', 'token-revoked');
    await this.assertActive(user);
    return { userId: user.id, tenantId: user.tenantId, role: user.role, via: 'access-token', sessionId: claims.sid };
  }

  /** A presented API key: live (not revoked, not expired), and its user allowed to act. */
  async fromApiKey(presented: string): Promise<Principal> {
    const key = await this.apiKeys.findUsable(presented);
    if (!key) throw refused('The API key is unknown, revoked or expired.', 'invalid-api-key');
    const user = await this.users.findById(key.userId);
    if (!user) throw refused('The API key belongs to no user.', 'invalid-api-key');
    await this.assertActive(user);
    if (this.due(`k:${key.id}`)) void this.apiKeys.touch(key.id).catch(() => undefined);
    return { userId: user.id, tenantId: user.tenantId, role: user.role, via: 'api-key', apiKeyId: key.id };
  }

  private async assertActive(user: UserAccount): Promise<void> {
    if (user.refusal === 'blocked') throw refused('The account is blocked.', 'account-blocked');
    if (user.refusal === 'disabled') throw refused('The account is disabled.', 'account-disabled');
    if (!(await this.tenants.isActive(user.tenantId))) throw refused('The tenant is disabled.', 'tenant-disabled');
    if (this.due(`u:${user.id}`)) void this.users.touchLastSeen(user.id).catch(() => undefined);
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
