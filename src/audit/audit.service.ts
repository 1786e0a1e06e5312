import { Injectable } from '@nestjs/common';
import { requestContext } from '../common/context/request-context';
import { Page, decodeCursor, toPage } from '../common/pagination/pagination';
import { AuditLogsRepository } from './audit-logs.repository';
import { AuditLogEntity } from './entities/audit-log.entity';
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
/** Audit ids are PostgreSQL bigints: 18 digits always fit, a longer id in a cursor is a forgery. */
const isAuditCursor = (v: Record<string, unknown>): v is AuditCursor => typeof v.id === 'string' && /^\d{1,18}$/.test(v.id);

/**
 * The audit writer every module uses. `record` writes in the caller's transaction (it travels in
 * async context), so the entry commits or rolls back with the change it describes.
 */
@Injectable()
export class AuditService {
  constructor(private readonly logs: AuditLogsRepository) {}

  async record(entry: AuditEntry): Promise<void> {
    const ctx = requestContext.get();
    const principal = ctx.principal;
    const actorId = entry.actorId !== undefined ? entry.actorId : (principal?.userId ?? null);
    await this.logs.insert({
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
    const { actorId, action, resourceType, resourceId, from, to } = query;
    const beforeId = query.cursor ? decodeCursor(query.cursor, isAuditCursor).id : undefined;
    const rows = await this.logs.findPage(tenantId, { actorId, action, resourceType, resourceId, from, to, beforeId }, query.limit);
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
