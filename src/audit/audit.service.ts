import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { requestContext } from '../common/context/request-context';
import { Page, decodeCursor, toPage } from '../common/pagination/pagination';
import { AuditLogEntity } from './audit-log.entity';
import { AuditLogDto, AuditLogQueryDto } from './dto/audit-log.dto';
import { redactSecrets } from './redact';

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  oldValue?: unknown;
  newValue?: unknown;
  /** Defaults to the caller's tenant. */
  tenantId?: string | null;
  /** Defaults to the caller; pass explicitly for actions without a principal (login, registration). */
  actorId?: string | null;
}

type AuditCursor = { id: string };
const isAuditCursor = (v: Record<string, unknown>): v is AuditCursor => typeof v.id === 'string' && /^\d{1,19}$/.test(v.id);

/**
 * The audit writer every module uses. `record` takes the EntityManager of the
 * caller's transaction, so the entry commits or rolls back with the change.
 */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditLogEntity) private readonly logs: Repository<AuditLogEntity>) {}

  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    const ctx = requestContext.get();
    const principal = ctx.principal;
    const actorId = entry.actorId !== undefined ? entry.actorId : (principal?.userId ?? null);
    await manager.insert(AuditLogEntity, {
      tenantId: entry.tenantId !== undefined ? entry.tenantId : (principal?.tenantId ?? null),
      actorId,
      actorType: principal ? (principal.via === 'api-key' ? 'api-key' : 'user') : actorId ? 'user' : ctx.requestId ? 'anonymous' : 'system',
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId ?? null,
      oldValue: entry.oldValue === undefined ? null : (redactSecrets(entry.oldValue) as object),
      newValue: entry.newValue === undefined ? null : (redactSecrets(entry.newValue) as object),
      ip: ctx.ip ?? null,
      userAgent: ctx.userAgent ?? null,
      requestId: ctx.requestId || null,
    });
  }

  /** Newest first, scoped to one tenant. */
  async list(tenantId: string, query: AuditLogQueryDto): Promise<Page<AuditLogDto>> {
    const qb = this.logs.createQueryBuilder('a').where('a.tenant_id = :tenantId', { tenantId });
    if (query.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: query.actorId });
    if (query.action) {
      if (query.action.endsWith('.*')) qb.andWhere('a.action LIKE :prefix', { prefix: `${query.action.slice(0, -1)}%` });
      else qb.andWhere('a.action = :action', { action: query.action });
    }
    if (query.resourceType) qb.andWhere('a.resource_type = :resourceType', { resourceType: query.resourceType });
    if (query.resourceId) qb.andWhere('a.resource_id = :resourceId', { resourceId: query.resourceId });
    if (query.from) qb.andWhere('a.created_at >= :from', { from: query.from });
    if (query.to) qb.andWhere('a.created_at < :to', { to: query.to });
    if (query.cursor) {
      const c = decodeCursor(query.cursor, isAuditCursor);
      qb.andWhere('a.id < :cid', { cid: c.id });
    }
    // Identity order is insertion order: stable, and exact where timestamps tie.
    const rows = await qb.orderBy('a.id', 'DESC').limit(query.limit + 1).getMany();
    return toPage(rows, query.limit, toAuditLogDto, (r) => ({ id: r.id }));
  }
}

export function toAuditLogDto(row: AuditLogEntity): AuditLogDto {
  return {
    id: row.id,
    tenantId: row.tenantId,
    actorId: row.actorId,
    actorType: row.actorType,
    action: row.action,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    oldValue: (row.oldValue ?? null) as Record<string, unknown> | null,
    newValue: (row.newValue ?? null) as Record<string, unknown> | null,
    ip: row.ip,
    userAgent: row.userAgent,
    requestId: row.requestId,
    createdAt: row.createdAt.toISOString(),
  };
}
