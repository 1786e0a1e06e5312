import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
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

/** Refresh tokens and API keys: credentials stored as SHA-256 hashes. */
@Injectable()
export class TokensRepository {
  constructor(
    @InjectRepository(RefreshTokenEntity) private readonly refresh: Repository<RefreshTokenEntity>,
    @InjectRepository(ApiKeyEntity) private readonly apiKeys: Repository<ApiKeyEntity>,
  ) {}

  lockRefreshByHash(manager: EntityManager, tokenHash: string): Promise<RefreshTokenEntity | null> {
    return manager.findOne(RefreshTokenEntity, { where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  insertRefresh(manager: EntityManager, values: Partial<RefreshTokenEntity>): Promise<RefreshTokenEntity> {
    return manager.save(manager.create(RefreshTokenEntity, values));
  }

  async markRefreshUsed(manager: EntityManager, id: string): Promise<void> {
    await manager.update(RefreshTokenEntity, { id }, { usedAt: new Date() });
  }

  /** Revokes every live token of a family; returns how many it revoked. */
  async revokeFamily(manager: EntityManager, userId: string, familyId: string, reason: string): Promise<number> {
    const result = await manager.update(RefreshTokenEntity, { userId, familyId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    return result.affected ?? 0;
  }

  async revokeAllFamilies(manager: EntityManager, userId: string, reason: string): Promise<number> {
    const result = await manager.update(RefreshTokenEntity, { userId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    return result.affected ?? 0;
  }

  async isFamilyRevoked(familyId: string): Promise<boolean> {
    const rows: unknown[] = await this.refresh.query(`SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NOT NULL LIMIT 1`, [familyId]);
    return rows.length > 0;
  }

  /** The user's signed-in devices: families with a live (unused, unrevoked, unexpired) token. */
  async findActiveSessions(userId: string): Promise<SessionRow[]> {
    const rows: Array<{ family_id: string; device_info: string | null; ip: string | null; started_at: Date; last_used_at: Date; expires_at: Date }> =
      await this.refresh.query(
        `SELECT live.family_id, live.device_info, live.ip, f.started_at, live.created_at AS last_used_at, live.expires_at
           FROM refresh_tokens live
           JOIN (SELECT family_id, min(created_at) AS started_at FROM refresh_tokens WHERE user_id = $1 GROUP BY family_id) f USING (family_id)
          WHERE live.user_id = $1 AND live.used_at IS NULL AND live.revoked_at IS NULL AND live.expires_at > now()
          ORDER BY live.created_at DESC`,
        [userId],
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

  findApiKeyByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.apiKeys.findOneBy({ keyHash });
  }

  findApiKeys(userId: string): Promise<ApiKeyEntity[]> {
    return this.apiKeys.find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  insertApiKey(manager: EntityManager, values: Partial<ApiKeyEntity>): Promise<ApiKeyEntity> {
    return manager.save(manager.create(ApiKeyEntity, values));
  }

  lockApiKey(manager: EntityManager, userId: string, id: string): Promise<ApiKeyEntity | null> {
    return manager.findOne(ApiKeyEntity, { where: { userId, id, revokedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
  }

  async revokeApiKey(manager: EntityManager, id: string): Promise<void> {
    await manager.update(ApiKeyEntity, { id }, { revokedAt: new Date() });
  }

  /** last_used_at, written at most once a minute per key. */
  async touchApiKey(id: string): Promise<void> {
    await this.apiKeys.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
  }
}
