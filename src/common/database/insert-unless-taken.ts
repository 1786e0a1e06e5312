import type { EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Transactions } from './transactions';

/** A tenant-owned row with a generated id. */
export type TenantRow = ObjectLiteral & { id: string; tenantId: string };

export interface InsertUnlessTakenOptions {
  /** false: a conflict raises like a plain INSERT (a row without the optional unique key, say). Default true. */
  ignoreConflicts?: boolean;
}

/**
 * `INSERT ... ON CONFLICT DO NOTHING RETURNING id`, then the stored row of the tenant: null when a
 * unique key was taken (a join or invite code, an idempotency key), so the caller can draw another
 * code or return the row that holds the key. Runs in the caller's transaction when one is open.
 */
export async function insertUnlessTaken<E extends TenantRow>(
  transactions: Transactions,
  entity: EntityTarget<E>,
  values: QueryDeepPartialEntity<E> & { tenantId: string },
  options: InsertUnlessTakenOptions = {},
): Promise<E | null> {
  const manager = transactions.manager;
  const qb = manager.createQueryBuilder().insert().into(entity).values(values);
  if (options.ignoreConflicts ?? true) qb.orIgnore();
  const result = await qb.returning(['id']).execute();
  const id = (result.raw as Array<{ id: string }>)[0]?.id;
  return id ? manager.findOneByOrFail(entity, { tenantId: values.tenantId, id } as FindOptionsWhere<E>) : null;
}
