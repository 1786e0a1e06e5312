import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/auth/principal';
import { randomToken, sha256 } from '../common/crypto/crypto';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { DomainEvents } from '../common/events/domain-events';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/auth.dto';
import { ApiKeyEntity } from './entities/api-key.entity';
import { API_KEY_PREFIX } from './strategies/credentials';
import { TokensRepository } from './tokens.repository';

const MAX_KEYS_PER_USER = 50;

/** API keys: created by a user for itself, shown once, stored as SHA-256, revocable at once. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly transactions: Transactions,
    private readonly tokens: TokensRepository,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  async list(principal: Principal): Promise<ApiKeyDto[]> {
    return (await this.tokens.findApiKeys(principal.tenantId, principal.userId)).map(toApiKeyDto);
  }

  async create(principal: Principal, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt <= new Date()) throw AppException.invalidField('expiresAt', 'expiresAt must be in the future', 'future');
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
        expiresAt,
      });
      const out = toApiKeyDto(saved);
      await this.audit.record({ action: 'api-key.create', resourceType: 'api-key', resourceId: saved.id, newValue: out });
      return { ...out, key };
    });
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    await this.transactions.run(async () => {
      const key = await this.tokens.lockApiKey(principal.tenantId, principal.userId, id);
      if (!key) throw AppException.notFound('API key');
      await this.tokens.revokeApiKey(principal.tenantId, id);
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
    expiresAt: k.expiresAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    createdAt: k.createdAt.toISOString(),
  };
}
