import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { KeyObject, createSecretKey, randomUUID } from 'node:crypto';
import type { PlatformRole } from '../common/auth/principal';
import { AppConfig } from '../common/config/app-config';
import { randomToken, sha256 } from '../common/crypto/crypto';
import { TokenPairDto } from './dto/auth.dto';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { TokensRepository } from './tokens.repository';

export const JWT_ALGORITHM = 'HS256';
export const JWT_ISSUER = 'collab-backend';
export const JWT_AUDIENCE = 'collab-api';
export const REFRESH_TOKEN_PREFIX = 'rt_';

/** Injection token of the access-token secret as a KeyObject (JwtModule and the passport-jwt strategy share it). */
export const ACCESS_TOKEN_KEY = Symbol('ACCESS_TOKEN_KEY');

/**
 * JWT_SECRET as a KeyObject: jsonwebtoken would otherwise try to parse a string secret as a PEM
 * key on every verify.
 */
export const accessTokenKey = (config: AppConfig): KeyObject => createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));

/** Claims of an access token. */
export interface AccessClaims {
  sub: string;
  tid: string;
  role: PlatformRole;
  ver: number;
  sid: string;
  typ: 'access';
}

/** Whether verified JWT claims have the shape of our access tokens. */
export function isAccessClaims(claims: unknown): claims is AccessClaims {
  if (typeof claims !== 'object' || claims === null) return false;
  const c = claims as Partial<AccessClaims>;
  return c.typ === 'access' && typeof c.sub === 'string' && typeof c.tid === 'string' && typeof c.sid === 'string' && Number.isInteger(c.ver);
}

export interface TokenSubject {
  id: string;
  tenantId: string;
  role: PlatformRole;
  tokenVersion: number;
}

export interface DeviceInfo {
  userAgent?: string | null;
  ip?: string | null;
}

/** Issues access tokens (short-lived JWT) and refresh tokens (opaque, hashed, rotated, in families). */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly tokens: TokensRepository,
    private readonly config: AppConfig,
  ) {}

  signAccess(user: TokenSubject, sessionId: string): string {
    const claims: AccessClaims = { sub: user.id, tid: user.tenantId, role: user.role, ver: user.tokenVersion, sid: sessionId, typ: 'access' };
    return this.jwt.sign(claims, {
      algorithm: JWT_ALGORITHM,
      expiresIn: this.config.env.ACCESS_TOKEN_TTL_SECONDS,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      jwtid: randomUUID(),
    });
  }

  /** Verifies signature (HS256 only), expiry, issuer and audience; null when any fails. */
  verifyAccess(token: string): AccessClaims | null {
    try {
      const claims = this.jwt.verify<AccessClaims & { iat: number; exp: number }>(token, {
        algorithms: [JWT_ALGORITHM],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      });
      return isAccessClaims(claims) ? claims : null;
    } catch {
      return null;
    }
  }

  /** A new session: a fresh refresh-token family and an access token bound to it. */
  async startSession(user: TokenSubject, device: DeviceInfo): Promise<{ pair: TokenPairDto; sessionId: string }> {
    const familyId = randomUUID();
    const pair = await this.issuePair(user, familyId, device);
    return { pair, sessionId: familyId };
  }

  /** The next pair of a family (rotation). */
  async issuePair(user: TokenSubject, familyId: string, device: DeviceInfo): Promise<TokenPairDto> {
    const refreshToken = `${REFRESH_TOKEN_PREFIX}${randomToken(32)}`;
    await this.tokens.insertRefresh({
      userId: user.id,
      tenantId: user.tenantId,
      familyId,
      tokenHash: sha256(refreshToken),
      deviceInfo: device.userAgent?.slice(0, 500) ?? null,
      ip: device.ip ?? null,
      expiresAt: new Date(Date.now() + this.config.env.REFRESH_TOKEN_TTL_DAYS * 86_400_000),
    });
    return {
      accessToken: this.signAccess(user, familyId),
      refreshToken,
      expiresIn: this.config.env.ACCESS_TOKEN_TTL_SECONDS,
      tokenType: 'Bearer',
    };
  }

  /** The stored refresh token for a presented one, locked for the rotation. */
  findRefreshForRotation(presented: string): Promise<RefreshTokenEntity | null> {
    return this.tokens.lockRefreshByHash(sha256(presented));
  }
}
