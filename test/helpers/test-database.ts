import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../../src/common/database/embedded-postgres';
import { SNAPSHOT_ENV, TEMPLATE_ENV, serverDatabaseUrl } from './test-env';

export interface TestDatabase {
  readonly url: string;
  /** A PGlite behind pglite-socket: open one connection to it (EMBEDDED_POOL_SIZE). */
  readonly embedded: boolean;
  drop(): Promise<void>;
}

/** Replaces the database name in a connection string. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A clean, migrated database for one test file: a fresh PGlite loaded from the
 * migrated snapshot, or a PostgreSQL database cloned from the migrated template.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = serverDatabaseUrl();
  if (!serverUrl) {
    const snapshotFile = process.env[SNAPSHOT_ENV];
    if (!snapshotFile) throw new Error(`${SNAPSHOT_ENV} is unset: run the tests through jest (global setup makes the snapshot)`);
    const embedded = await EmbeddedPostgres.start({ snapshot: new Blob([readFileSync(snapshotFile)]) });
    return { url: embedded.url, embedded: true, drop: () => embedded.stop() };
  }
  const template = process.env[TEMPLATE_ENV];
  if (!template) throw new Error(`${TEMPLATE_ENV} is unset: run the tests through jest (global setup makes the template)`);
  const name = `collab_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  return {
    url: withDatabase(serverUrl, name),
    embedded: false,
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
