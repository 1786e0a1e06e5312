import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import type { Principal } from '../../common/auth/principal';
import { AuthenticatorService } from '../authenticator.service';
import { credentialOf, isApiKey } from './credentials';

/**
 * API keys (passport-custom): `Authorization: Bearer ck_...` or `X-API-Key: ck_...`, looked up by
 * hash and checked, with its user, by AuthenticatorService. Anything that is not an API key is
 * passed on (to the JWT strategy); a bad key is refused here with its own problem.
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly authenticator: AuthenticatorService) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | null> {
    const credential = credentialOf(request);
    if (!credential || !isApiKey(credential)) return null;
    return this.authenticator.fromApiKey(credential, { rememberForRequest: true });
  }
}
