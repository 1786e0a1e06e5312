import { Injectable } from '@nestjs/common';
import { Transactions } from '../common/database/transactions';
import { AuditLogEntity } from './entities/audit-log.entity';

export type NewAuditLog = Omit<AuditLogEntity, 'id' | 'createdAt'>;

export interface AuditLogFilter {
  actorId?: string;
  /** An exact action, or a prefix ending in `.*`. */
  action?: string;
  resourceType?: string;
  resourceId?: string;
  from?: string;
  to?: string;
  /** Entries older than this id (the cursor). */
  beforeId?: string;
}

/** `audit_logs`: appended to, never updated. */
@Injectable()
export class AuditLogsRepository {
  constructor(private readonly transactions: Transactions) {}

  /** Appends an entry in the caller's transaction. */
  async insert(entry: NewAuditLog): Promise<void> {
    await this.transactions.manager.insert(AuditLogEntity, entry);
  }

  /** A page of one tenant's entries, newest first (identity order: stable, exact where timestamps tie): `limit + 1` rows. */
  findPage(tenantId: string, filter: AuditLogFilter, limit: number): Promise<AuditLogEntity[]> {
    const qb = this.transactions.manager.createQueryBuilder(AuditLogEntity, 'a').where('a.tenant_id = :tenantId', { tenantId });
    if (filter.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.action?.endsWith('.*')) qb.andWhere('a.action LIKE :prefix', { prefix: `${filter.action.slice(0, -1)}%` });
    else if (filter.action) qb.andWhere('a.action = :action', { action: filter.action });
    if (filter.resourceType) qb.andWhere('a.resource_type = :resourceType', { resourceType: filter.resourceType });
    if (filter.resourceId) qb.andWhere('a.resource_id = :resourceId', { resourceId: filter.resourceId });
    if (filter.from) qb.andWhere('a.created_at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('a.created_at < :to', { to: filter.to });
    if (filter.beforeId) qb.andWhere('a.id < :beforeId', { beforeId: filter.beforeId });
    return qb.orderBy('a.id', 'DESC').limit(limit + 1).getMany();
  }
}
