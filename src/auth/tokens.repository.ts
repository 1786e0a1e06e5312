import { Injectable } from '@nestjs/common';
import { IsNull, Repository } from 'typeorm';
import { queryReturning } from '../common/database/sql';
import { Transactions } from '../common/database/transactions';
import { ApiKeyEntity } from './entities/api-key.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';

export interface SessionRow {
  familyId: string;
  deviceInfo: string | null;
  ip: string | null;
  startedAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
}

/** Refresh tokens and API keys: credentials stored as SHA-256 hashes. In the caller's transaction when one is open. */
@Injectable()
export class TokensRepository {
  constructor(private readonly transactions: Transactions) {}

  private get refresh(): Repository<RefreshTokenEntity> {
    return this.transactions.repository(RefreshTokenEntity);
  }

  private get apiKeys(): Repository<ApiKeyEntity> {
    return this.transactions.repository(ApiKeyEntity);
  }

  lockRefreshByHash(tokenHash: string): Promise<RefreshTokenEntity | null> {
    return this.refresh.findOne({ where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  insertRefresh(values: Partial<RefreshTokenEntity>): Promise<RefreshTokenEntity> {
    return this.refresh.save(this.refresh.create(values));
  }

  async markRefreshUsed(id: string): Promise<void> {
    await this.refresh.update({ id }, { usedAt: new Date() });
  }

  /** Revokes every live token of a family; returns how many it revoked. */
  async revokeFamily(tenantId: string, userId: string, familyId: string, reason: string): Promise<number> {
    const result = await this.refresh.update({ tenantId, userId, familyId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    return result.affected ?? 0;
  }

  /** Revokes every live token of every family of the user; returns how many sessions (families) that ended. */
  async revokeAllFamilies(tenantId: string, userId: string, reason: string): Promise<number> {
    const rows = await queryReturning<{ family_id: string }>(
      this.transactions.manager,
      `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $3 WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING family_id`,
      [tenantId, userId, reason],
    );
    return new Set(rows.map((row) => row.family_id)).size;
  }

  /** The user's signed-in devices: families with a live (unused, unrevoked, unexpired) token. */
  async findActiveSessions(tenantId: string, userId: string): Promise<SessionRow[]> {
    const rows: Array<{ family_id: string; device_info: string | null; ip: string | null; started_at: Date; last_used_at: Date; expires_at: Date }> =
      await this.refresh.query(
        `SELECT live.family_id, live.device_info, live.ip, f.started_at, live.created_at AS last_used_at, live.expires_at
           FROM refresh_tokens live
           JOIN (SELECT family_id, min(created_at) AS started_at FROM refresh_tokens WHERE tenant_id = $1 AND user_id = $2 GROUP BY family_id) f USING (family_id)
          WHERE live.tenant_id = $1 AND live.user_id = $2 AND live.used_at IS NULL AND live.revoked_at IS NULL AND live.expires_at > now()
          ORDER BY live.created_at DESC`,
        [tenantId, userId],
      );
    return rows.map((r) => ({
      familyId: r.family_id,
      deviceInfo: r.device_info,
      ip: r.ip,
      startedAt: new Date(r.started_at),
      lastUsedAt: new Date(r.last_used_at),
      expiresAt: new Date(r.expires_at),
    }));
  }

  findApiKeys(tenantId: string, userId: string): Promise<ApiKeyEntity[]> {
    return this.apiKeys.find({ where: { tenantId, userId, revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  insertApiKey(values: Partial<ApiKeyEntity>): Promise<ApiKeyEntity> {
    return this.apiKeys.save(this.apiKeys.create(values));
  }

  lockApiKey(tenantId: string, userId: string, id: string): Promise<ApiKeyEntity | null> {
    return this.apiKeys.findOne({ where: { tenantId, userId, id, revokedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
  }

  async revokeApiKey(tenantId: string, id: string, reason: string): Promise<void> {
    await this.apiKeys.update({ tenantId, id }, { revokedAt: new Date(), revokedReason: reason });
  }

  /** Revokes every live API key of the user; returns their ids. */
  async revokeAllApiKeys(tenantId: string, userId: string, reason: string): Promise<string[]> {
    const rows = await queryReturning<{ id: string }>(
      this.transactions.manager,
      `UPDATE api_keys SET revoked_at = now(), revoked_reason = $3 WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`,
      [tenantId, userId, reason],
    );
    return rows.map((row) => row.id);
  }

  /** last_used_at, written at most once a minute per key. */
  async touchApiKey(id: string): Promise<void> {
    await this.apiKeys.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
  }
}
