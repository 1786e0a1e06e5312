import { Injectable } from '@nestjs/common';
import { randomToken, sha256 } from '../common/crypto/crypto';
import { AppException } from '../common/errors/app.exception';
import { OneTimeTokenPurpose } from './entities/one-time-token.entity';
import { OneTimeTokensRepository } from './one-time-tokens.repository';

const REFUSALS = {
  unknown: 'The token is unknown.',
  used: 'The token has already been used, or a newer one replaced it.',
  expired: 'The token has expired; ask for a new one.',
} as const;

/** Single-use, expiring tokens sent by e-mail: 32 random bytes, stored only as their SHA-256. */
@Injectable()
export class OneTimeTokensService {
  constructor(private readonly tokens: OneTimeTokensRepository) {}

  /** A new token for `purpose`; earlier unused ones of the user for that purpose stop working. */
  async issue(userId: string, purpose: OneTimeTokenPurpose, ttlMs: number): Promise<string> {
    const token = randomToken(32);
    await this.tokens.invalidateUnused(userId, purpose);
    await this.tokens.insert({ userId, purpose, tokenHash: sha256(token), expiresAt: new Date(Date.now() + ttlMs) });
    return token;
  }

  /**
   * Spends a presented token and returns its user. An unknown, used or expired
   * token is a 400 `invalid-token` naming `token`. When the caller's transaction
   * rolls back, the token stays usable.
   */
  async consume(token: string, purpose: OneTimeTokenPurpose): Promise<string> {
    const outcome = await this.tokens.consume(sha256(token), purpose);
    if (outcome.status === 'consumed') return outcome.userId;
    throw new AppException(400, 'invalid-token', {
      detail: REFUSALS[outcome.status],
      errors: [{ field: 'token', message: REFUSALS[outcome.status], code: outcome.status }],
    });
  }
}
