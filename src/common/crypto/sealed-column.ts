import { Column, DataSource } from 'typeorm';
import { SecretBox } from './crypto';

/** Entity class → the properties that hold SecretBox ciphertexts (secrets at rest). */
const sealedColumns = new Map<object, Set<string>>();

/**
 * A text column holding a secret sealed with the `secrets-at-rest` SecretBox. Besides declaring the
 * column, it registers it for {@link resealColumns}, so a key rotation re-encrypts it without a list of
 * tables to keep in step.
 */
export function SealedColumn(options: { nullable?: boolean } = {}): PropertyDecorator {
  return (target, property) => {
    Column('text', options)(target, property);
    const properties = sealedColumns.get(target.constructor) ?? new Set<string>();
    properties.add(String(property));
    sealedColumns.set(target.constructor, properties);
  };
}

export interface ResealedColumn {
  table: string;
  column: string;
  /** Values sealed again with the current key. */
  resealed: number;
  /** Values no key of the ring opens (left as they are). */
  failed: number;
}

const BATCH = 500;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Seals every value of every {@link SealedColumn} again with the current key: values under a previous
 * key (ENCRYPTION_KEYS_PREVIOUS) or in the legacy format without a key id. Row by row, each update
 * conditional on the value it read, so it can run while the servers serve (they read both keys).
 */
export async function resealColumns(dataSource: DataSource, box: SecretBox): Promise<ResealedColumn[]> {
  const results: ResealedColumn[] = [];
  for (const meta of dataSource.entityMetadatas) {
    const properties = sealedColumns.get(meta.target as object);
    if (!properties) continue;
    if (meta.primaryColumns.length !== 1) throw new Error(`${meta.tableName}: sealed columns need a single-column primary key`);
    const [pk] = meta.primaryColumns;
    for (const property of properties) {
      const column = meta.findColumnWithPropertyName(property)!;
      const result: ResealedColumn = { table: meta.tableName, column: column.databaseName, resealed: 0, failed: 0 };
      const [table, id, value] = [quote(meta.tableName), quote(pk.databaseName), quote(column.databaseName)];
      for (let after: string | null = null; ; ) {
        const rows: { id: string; value: string }[] = await dataSource.query(
          `SELECT ${id}::text AS id, ${value} AS value FROM ${table}
           WHERE ${value} IS NOT NULL AND ${value} NOT LIKE $1 AND ($2::text IS NULL OR ${id}::text > $2) ORDER BY ${id}::text LIMIT ${BATCH}`,
          [`${box.currentPrefix}%`, after],
        );
        for (const row of rows) {
          let plain: string;
          try {
            plain = box.decrypt(row.value);
          } catch {
            result.failed++;
            continue;
          }
          await dataSource.query(`UPDATE ${table} SET ${value} = $1 WHERE ${id}::text = $2 AND ${value} = $3`, [box.encrypt(plain), row.id, row.value]);
          result.resealed++;
        }
        if (rows.length < BATCH) break;
        after = rows[rows.length - 1].id;
      }
      results.push(result);
    }
  }
  return results;
}
