import type { Env } from '../../src/common/config/config.schema';
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
    const server = await startServer(testConfig({ DATABASE_URL: database.url, ...overrides }), options);
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
