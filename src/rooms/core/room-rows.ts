import { DeepPartial, EntityManager, FindOptionsWhere, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { PageQueryDto, pageByCreatedAt } from '../common/pagination/pagination';

/**
 * A row of one room of a tenant (transcripts, invites, streaming targets, panels, module
 * resources): the queries the room repositories share, always scoped by tenant.
 */
export interface RoomRow {
  id: string;
  tenantId: string;
  roomId: string;
  createdAt: Date;
}

type RoomRowEntity<E extends RoomRow> = new () => E;

/** A page of a room's rows, oldest first (`limit + 1` rows, see `toPage`); `narrow` adds a list's own filters. */
export function findRoomRowsPage<E extends RoomRow>(
  rows: Repository<E>, tenantId: string, roomId: string, query: PageQueryDto, narrow?: (qb: SelectQueryBuilder<E>) => void,
): Promise<E[]> {
  const qb = rows.createQueryBuilder('r').where('r.tenant_id = :tenantId AND r.room_id = :roomId', { tenantId, roomId });
  narrow?.(qb);
  return pageByCreatedAt(qb, 'r', query).getMany();
}

/** One row of a room; with `lock`, locked FOR UPDATE in `manager`'s transaction. */
export function findRoomRow<E extends RoomRow>(manager: EntityManager, entity: RoomRowEntity<E>, tenantId: string, roomId: string, id: string, lock = false): Promise<E | null> {
  return manager.findOne(entity, { where: { tenantId, roomId, id } as FindOptionsWhere<E>, ...(lock && { lock: { mode: 'pessimistic_write' as const } }) });
}

/** Saves `values` as a new entity object: an INSERT, or an UPDATE when they carry the id of a stored row. */
export function saveRoomRow<E extends RoomRow>(manager: EntityManager, entity: RoomRowEntity<E>, values: NoInfer<DeepPartial<E>> & { tenantId: string }): Promise<E> {
  return manager.save(manager.create(entity, values as DeepPartial<E>));
}

/**
 * `INSERT ... ON CONFLICT DO NOTHING RETURNING id`, then the stored row of the tenant; null when a
 * unique key was taken (a join or invite code, an idempotency key). With `ignoreConflicts: false` a
 * conflict raises, as a plain INSERT.
 */
export async function insertRowUnlessTaken<E extends ObjectLiteral & { id: string; tenantId: string }>(
  manager: EntityManager, entity: new () => E, values: QueryDeepPartialEntity<E> & { tenantId: string }, ignoreConflicts = true,
): Promise<E | null> {
  const qb = manager.createQueryBuilder().insert().into(entity).values(values);
  if (ignoreConflicts) qb.orIgnore();
  const result = await qb.returning(['id']).execute();
  const id = (result.raw as Array<{ id: string }>)[0]?.id;
  return id ? manager.findOneByOrFail(entity, { tenantId: values.tenantId, id } as FindOptionsWhere<E>) : null;
}

export async function deleteRoomRow<E extends RoomRow>(manager: EntityManager, entity: RoomRowEntity<E>, tenantId: string, id: string): Promise<void> {
  await manager.delete(entity, { tenantId, id } as FindOptionsWhere<E>);
}
