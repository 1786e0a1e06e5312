import { DeepPartial, FindOptionsWhere, Repository, SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { PageQueryDto, pageByCreatedAt } from '../../common/pagination/pagination';

/**
 * A row of one room of a tenant (transcripts, invites, SIP, streaming targets, panels, module
 * resources): the queries their repositories share, always scoped by tenant. `rows` is the
 * repository of Transactions (`transactions.repository(Entity)`), so each query joins the
 * caller's transaction when one is open.
 */
export interface RoomRow {
  id: string;
  tenantId: string;
  roomId: string;
  createdAt: Date;
}

/** A page of a room's rows, oldest first (`limit + 1` rows, see `toPage`); `narrow` adds a list's own filters. */
export function findRoomRowsPage<E extends RoomRow>(
  rows: Repository<E>, tenantId: string, roomId: string, query: PageQueryDto, narrow?: (qb: SelectQueryBuilder<E>) => void,
): Promise<E[]> {
  const qb = rows.createQueryBuilder('r').where('r.tenant_id = :tenantId AND r.room_id = :roomId', { tenantId, roomId });
  narrow?.(qb);
  return pageByCreatedAt(qb, 'r', query).getMany();
}

/** One row of a room of the tenant; with `lock`, locked FOR UPDATE until the transaction ends. */
export function findRoomRow<E extends RoomRow>(rows: Repository<E>, tenantId: string, roomId: string, id: string, lock = false): Promise<E | null> {
  return rows.findOne({ where: { tenantId, roomId, id } as FindOptionsWhere<E>, ...(lock && { lock: { mode: 'pessimistic_write' as const } }) });
}

/** Inserts a new row; answers it as stored (generated id, timestamps). */
export function insertRoomRow<E extends RoomRow>(rows: Repository<E>, values: NoInfer<DeepPartial<E>> & { tenantId: string }): Promise<E> {
  return rows.save(rows.create(values as DeepPartial<E>));
}

/**
 * Writes back a row read (and locked) in its tenant: one `UPDATE ... WHERE tenant_id = $1 AND id = $2`
 * of its columns (all but the keys and the timestamps; TypeORM sets `updated_at`), then the row as
 * stored. Unlike `Repository.save`, which updates by primary key alone, the tenant is in the WHERE.
 */
export async function updateTenantRow<E extends { id: string; tenantId: string }>(rows: Repository<E>, row: E): Promise<E> {
  const values: Record<string, unknown> = {};
  for (const column of rows.metadata.columns) {
    if (column.isPrimary || column.isCreateDate || column.isUpdateDate || column.propertyName === 'tenantId') continue;
    values[column.propertyName] = column.getEntityValue(row);
  }
  const where = { tenantId: row.tenantId, id: row.id } as FindOptionsWhere<E>;
  await rows.update(where, values as QueryDeepPartialEntity<E>);
  return rows.findOneByOrFail(where);
}

export async function deleteRoomRow<E extends RoomRow>(rows: Repository<E>, tenantId: string, id: string): Promise<void> {
  await rows.delete({ tenantId, id } as FindOptionsWhere<E>);
}
