import { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type as TransformType } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AppException } from '../errors/app.exception';
import { isRfc3339 } from '../time/rfc3339';

export const MAX_PAGE_LIMIT = 100;
export const DEFAULT_PAGE_LIMIT = 20;
/** The largest PostgreSQL `integer`: an id in a cursor above it cannot exist. */
export const MAX_INT4 = 2_147_483_647;

/** `limit` and `cursor`: the query parameters of every list. Extend it with a list's own filters. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT, description: 'Items per page.' })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit: number = DEFAULT_PAGE_LIMIT;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page\'s `nextCursor`.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Opaque cursors: base64url JSON of the sort key of the last item returned. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a cursor and checks its shape; a bad one is a 400 naming the `cursor` field. */
export function decodeCursor<K extends Record<string, string | number>>(
  cursor: string,
  isValid: (value: Record<string, unknown>) => value is K,
): K {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || !isValid(value as Record<string, unknown>)) {
    throw AppException.invalidField('cursor', 'cursor is not a cursor returned by this list', 'invalidCursor');
  }
  return value as K;
}

/**
 * Builds a page from `limit + 1` rows fetched in order: the extra row only says
 * whether there is a next page.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorOf: (row: Row) => Record<string, string | number>,
): Page<Item> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return {
    items: pageRows.map(toItem),
    nextCursor: hasMore ? encodeCursor(cursorOf(pageRows[pageRows.length - 1])) : null,
  };
}

/** A typed page class for the OpenAPI document: `PageOf(UserDto)` is `{ items: UserDto[], nextCursor }`. */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  class PageDto implements Page<T> {
    @ApiProperty({ type: [item] })
    items!: T[];

    @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last page.' })
    nextCursor!: string | null;
  }
  Object.defineProperty(PageDto, 'name', { value: `${item.name.replace(/Dto$/, '')}Page` });
  return PageDto;
}

export type CreatedAtCursor = { t: string; id: string };
const isCreatedAtCursor = (v: Record<string, unknown>): v is CreatedAtCursor =>
  isRfc3339(v.t) && typeof v.id === 'string' && /^[0-9a-f-]{36}$/i.test(v.id);

interface KeysetQuery {
  andWhere(where: string, params?: Record<string, unknown>): unknown;
  orderBy(sort: string, order?: 'ASC' | 'DESC'): KeysetQuery;
  addOrderBy(sort: string, order?: 'ASC' | 'DESC'): KeysetQuery;
  limit(limit?: number): KeysetQuery;
}

/**
 * Oldest-first keyset pagination on (created_at, id) for a query builder whose
 * main alias is `alias`. Timestamps are compared at millisecond precision, the
 * precision the cursor carries. Fetches `limit + 1` rows (see `toPage`).
 */
export function pageByCreatedAt<Q extends KeysetQuery>(qb: Q, alias: string, query: PageQueryDto, idColumn = 'id'): Q {
  const created = `date_trunc('milliseconds', ${alias}.created_at)`;
  if (query.cursor) {
    const c = decodeCursor(query.cursor, isCreatedAtCursor);
    qb.andWhere(`(${created}, ${alias}.${idColumn}) > (:cursorT, :cursorId)`, { cursorT: c.t, cursorId: c.id });
  }
  qb.orderBy(created, 'ASC').addOrderBy(`${alias}.${idColumn}`, 'ASC').limit(query.limit + 1);
  return qb;
}

export const createdAtCursor = (row: { createdAt: Date; id: string }): CreatedAtCursor => ({ t: row.createdAt.toISOString(), id: row.id });
