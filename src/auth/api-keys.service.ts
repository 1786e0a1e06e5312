import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { ApiKeyScope, Principal } from '../common/auth/principal';
import { AppConfig } from '../common/config/app-config';
import { randomToken, sha256 } from '../common/crypto/crypto';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { DomainEvents } from '../common/events/domain-events';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/auth.dto';
import { ApiKeyEntity } from './entities/api-key.entity';
import { API_KEY_PREFIX } from './strategies/credentials';
import { TokensRepository } from './tokens.repository';

const MAX_KEYS_PER_USER = 50;
/** Least privilege: a key changes nothing unless its maker says so. */
const DEFAULT_SCOPE: ApiKeyScope = 'read';
const DAY_MS = 86_400_000;

/**
 * API keys: created by a user for itself from an interactive session, shown once, stored as
 * SHA-256, with a scope (`read` or `write`) and an expiry no later than API_KEY_MAX_TTL_DAYS,
 * revocable at once (and all together with the user's other credentials: CredentialRevocation).
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly transactions: Transactions,
    private readonly tokens: TokensRepository,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
  ) {}

  async list(principal: Principal): Promise<ApiKeyDto[]> {
    return (await this.tokens.findApiKeys(principal.tenantId, principal.userId)).map(toApiKeyDto);
  }

  async create(principal: Principal, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const expiresAt = this.expiryOf(dto.expiresAt);
    if ((await this.tokens.findApiKeys(principal.tenantId, principal.userId)).length >= MAX_KEYS_PER_USER) {
      throw AppException.conflict(`A user may hold at most ${MAX_KEYS_PER_USER} API keys; revoke one first.`, 'too-many-keys');
    }
    const key = `${API_KEY_PREFIX}${randomToken(30)}`;
    return this.transactions.run(async () => {
      const saved = await this.tokens.insertApiKey({
        userId: principal.userId,
        tenantId: principal.tenantId,
        name: dto.name,
        prefix: key.slice(0, API_KEY_PREFIX.length + 8),
        keyHash: sha256(key),
        scope: dto.scope ?? DEFAULT_SCOPE,
        expiresAt,
      });
      const out = toApiKeyDto(saved);
      await this.audit.record({ action: 'api-key.create', resourceType: 'api-key', resourceId: saved.id, newValue: out });
      return { ...out, key };
    });
  }

  /**
   * The expiry of a new key: the one asked for, in the future and within API_KEY_MAX_TTL_DAYS of
   * now; none asked for, the maximum (or none when the server sets no maximum).
   */
  private expiryOf(requested: string | undefined): Date | null {
    const maxDays = this.config.env.API_KEY_MAX_TTL_DAYS;
    const latest = maxDays > 0 ? new Date(Date.now() + maxDays * DAY_MS) : null;
    if (requested === undefined) return latest;
    const expiresAt = new Date(requested);
    if (expiresAt <= new Date()) throw AppException.invalidField('expiresAt', 'expiresAt must be in the future', 'future');
    if (latest && expiresAt > latest) {
      throw AppException.invalidField('expiresAt', `expiresAt must be within ${maxDays} days (API_KEY_MAX_TTL_DAYS)`, 'tooLate');
    }
    return expiresAt;
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    await this.transactions.run(async () => {
      const key = await this.tokens.lockApiKey(principal.tenantId, principal.userId, id);
      if (!key) throw AppException.notFound('API key');
      await this.tokens.revokeApiKey(principal.tenantId, id, 'revoked-by-user');
      this.events.emit('api-key.revoked', { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: id });
      await this.audit.record({ action: 'api-key.revoke', resourceType: 'api-key', resourceId: id, oldValue: toApiKeyDto(key) });
    });
  }

  touch(id: string): Promise<void> {
    return this.tokens.touchApiKey(id);
  }
}

function toApiKeyDto(k: ApiKeyEntity): ApiKeyDto {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scope: k.scope,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    createdAt: k.createdAt.toISOString(),
  };
}
