import { DataSource, Migration, MigrationExecutor, QueryRunner } from 'typeorm';

/** Arbitrary constant: the advisory lock that serialises migrations across nodes. */
const MIGRATION_LOCK_ID = 727_361_942;

/**
 * Applies pending migrations, holding a PostgreSQL advisory lock so that nodes
 * starting together apply each migration once. Everything runs on one
 * connection (the embedded database's pool has only one).
 */
export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  return withMigrationLock(dataSource, (runner) => executor(dataSource, runner).executePendingMigrations());
}

export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  await withMigrationLock(dataSource, (runner) => executor(dataSource, runner).undoLastMigration());
}

function executor(dataSource: DataSource, runner: QueryRunner): MigrationExecutor {
  const migrations = new MigrationExecutor(dataSource, runner);
  migrations.transaction = 'each';
  return migrations;
}

async function withMigrationLock<T>(dataSource: DataSource, fn: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      return await fn(runner);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
}
