import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { TypeOrmLogger } from './typeorm-logger';

/** Source root (src/ under ts-jest / swc, dist/src/ when built). */
const SRC_ROOT = join(__dirname, '..', '..');
/** migrations/ beside src/ (dist/migrations when built). */
export const MIGRATIONS_DIR = join(SRC_ROOT, '..', 'migrations');

export const MIGRATIONS_TABLE = 'migrations';

/**
 * The one TypeORM configuration, used by the application, the migration CLI and
 * the test helpers. `synchronize` is never on: the schema comes from migrations/.
 */
export function dataSourceOptions(config: AppConfig, url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [join(SRC_ROOT, '**', '*.entity.{ts,js}')],
    migrations: [join(MIGRATIONS_DIR, '*.{ts,js}')],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    poolSize: config.env.DATABASE_POOL_SIZE,
    maxQueryExecutionTime: config.env.DATABASE_LOG_SLOW_MS || undefined,
    applicationName: 'collab-backend',
    connectTimeoutMS: 10_000,
    logger: new TypeOrmLogger(),
  };
}
