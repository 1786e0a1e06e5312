import { Injectable } from '@nestjs/common';
import { Transactions } from '../common/database/transactions';
import { queryReturning } from '../common/database/sql';
import { OneTimeTokenEntity, OneTimeTokenPurpose } from './entities/one-time-token.entity';

/** What consuming a presented token found. */
export type ConsumeOutcome = { status: 'consumed'; userId: string } | { status: 'unknown' | 'used' | 'expired' };

/** Single-use tokens sent by e-mail, stored as SHA-256 hashes (`one_time_tokens`). Every method runs in the caller's transaction. */
@Injectable()
export class OneTimeTokensRepository {
  constructor(private readonly transactions: Transactions) {}

  async insert(values: { userId: string; purpose: OneTimeTokenPurpose; tokenHash: string; expiresAt: Date }): Promise<void> {
    await this.transactions.manager.insert(OneTimeTokenEntity, values);
  }

  /** Spends every unused token of a user for one purpose (a newer one replaces them); returns how many. */
  async invalidateUnused(userId: string, purpose: OneTimeTokenPurpose): Promise<number> {
    const rows = await queryReturning<{ id: string }>(
      this.transactions.manager,
      `UPDATE one_time_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL RETURNING id`,
      [userId, purpose],
    );
    return rows.length;
  }

  /**
   * Marks the token used if it is unused and unexpired, in one statement: of two
   * concurrent requests with the same token exactly one consumes it (the other
   * waits for the row lock, then finds it used).
   */
  async consume(tokenHash: string, purpose: OneTimeTokenPurpose): Promise<ConsumeOutcome> {
    const consumed = await queryReturning<{ user_id: string }>(
      this.transactions.manager,
      `UPDATE one_time_tokens SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id`,
      [tokenHash, purpose],
    );
    if (consumed[0]) return { status: 'consumed', userId: consumed[0].user_id };
    const rows: Array<{ used: boolean }> = await this.transactions.manager.query(
      `SELECT used_at IS NOT NULL AS used FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2`,
      [tokenHash, purpose],
    );
    if (!rows[0]) return { status: 'unknown' };
    return { status: rows[0].used ? 'used' : 'expired' };
  }
}
