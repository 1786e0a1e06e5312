import { Logger } from '@nestjs/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/common/database/data-source-options';
import { EmbeddedPostgres } from '../src/common/database/embedded-postgres';
import { runMigrations } from '../src/common/database/migrator';
import { adminQuery, withDatabase } from './helpers/test-database';
import { SNAPSHOT_ENV, TEMPLATE_ENV, serverDatabaseUrl, testConfig } from './helpers/test-env';

async function migrate(url: string): Promise<void> {
  const dataSource = await new DataSource(dataSourceOptions(testConfig(), url)).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Migrates once, then every test file clones the result: a PGlite snapshot
 * (embedded) or a template database (PostgreSQL, when DATABASE_URL is set).
 */
export default async function globalSetup(): Promise<void> {
  Logger.overrideLogger(['error', 'warn']);
  const serverUrl = serverDatabaseUrl();
  if (!serverUrl) {
    const embedded = await EmbeddedPostgres.start();
    try {
      await migrate(embedded.url);
      const snapshot = await embedded.db.dumpDataDir('none');
      const file = join(mkdtempSync(join(tmpdir(), 'collab-test-')), 'snapshot.tar');
      writeFileSync(file, Buffer.from(await snapshot.arrayBuffer()));
      process.env[SNAPSHOT_ENV] = file;
    } finally {
      await embedded.stop();
    }
    return;
  }
  const template = `collab_template_${process.pid}`;
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  await adminQuery(serverUrl, `CREATE DATABASE "${template}"`);
  await migrate(withDatabase(serverUrl, template));
  process.env[TEMPLATE_ENV] = template;
}
