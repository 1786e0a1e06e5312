import type { Env } from '../../src/common/config/config.schema';
import { EMBEDDED_POOL_SIZE } from '../../src/common/database/embedded-postgres';
import { RunningServer, ServerOptions, startServer } from '../../src/server';
import { TestDatabase, createTestDatabase } from './test-database';
import { testConfig } from './test-env';

export interface TestApp extends RunningServer {
  readonly database: TestDatabase;
  /** Absolute URL of an API path: `api('/me')` is `<url>/api/v1/me`. */
  api(path: string): string;
}

/** Boots the whole application on a free port over its own clean, migrated database. */
export async function startTestApp(overrides: Partial<Env> = {}, options: ServerOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  try {
    const pool = database.embedded ? { DATABASE_POOL_SIZE: EMBEDDED_POOL_SIZE } : {};
    const server = await startServer(testConfig({ DATABASE_URL: database.url, ...pool, ...overrides }), options);
    return {
      ...server,
      database,
      api: (path) => `${server.url}/api/v1${path}`,
      close: async () => {
        try {
          await server.close();
        } finally {
          await database.drop();
        }
      },
    };
  } catch (err) {
    await database.drop();
    throw err;
  }
}
