import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { KeyObject } from 'node:crypto';
import { Strategy } from 'passport-jwt';
import type { Principal } from '../../common/auth/principal';
import { AuthenticatorService } from '../authenticator.service';
import { ACCESS_TOKEN_KEY, JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER } from '../token.service';
import { credentialOf, isApiKey } from './credentials';

/**
 * Access tokens (passport-jwt): a bearer credential that is not an API key, verified as HS256
 * only, with our issuer and audience, against the secret as a KeyObject; then the claims are
 * checked against the user's current state by AuthenticatorService (blocked, disabled, deleted,
 * token version, revoked session, disabled tenant), on every request.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    private readonly authenticator: AuthenticatorService,
    @Inject(ACCESS_TOKEN_KEY) key: KeyObject,
  ) {
    super({
      jwtFromRequest: (request: Parameters<typeof credentialOf>[0]) => {
        const credential = credentialOf(request);
        return credential && !isApiKey(credential) ? credential : null;
      },
      // jsonwebtoken takes a KeyObject (it would otherwise parse a string secret as a PEM key on every verify).
      secretOrKey: key as unknown as string,
      algorithms: [JWT_ALGORITHM],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
    });
  }

  validate(claims: unknown): Promise<Principal> {
    return this.authenticator.fromAccessClaims(claims, { rememberForRequest: true });
  }
}
