import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../src/common/config/app-config';
import type { Env } from '../../src/common/config/config.schema';

/** Where global setup left the migrated PGlite snapshot (embedded runs). */
export const SNAPSHOT_ENV = 'COLLAB_TEST_PGLITE_SNAPSHOT';
/** The migrated template database (PostgreSQL runs). */
export const TEMPLATE_ENV = 'COLLAB_TEST_TEMPLATE_DB';

/** The environment a test app starts from: the process environment with test-friendly defaults. */
export function testConfig(overrides: Partial<Env> = {}): AppConfig {
  const base = AppConfig.fromEnv({
    ...process.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOG_PRETTY: 'false',
    DATABASE_MIGRATIONS_RUN: 'false',
    RATE_LIMIT_MAX: '1000000',
    LOGIN_RATE_LIMIT_MAX: '100000',
    SOCKET_HANDSHAKE_RATE_LIMIT_MAX: '100000',
    SOCKET_MAX_PER_USER: '10000',
    SOCKET_MAX_PER_IP: '100000',
    JWT_SECRET: process.env.JWT_SECRET ?? 'test-secret-that-is-long-enough-for-hs256-signing',
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? Buffer.alloc(32, 7).toString('base64'),
    ADMIN_PASSWORD: 'Admin-password-for-tests-1',
    // The tests' local servers (identity providers) listen on 127.0.0.1, which the egress guard refuses otherwise.
    EGRESS_ALLOW: process.env.EGRESS_ALLOW ?? '127.0.0.1',
    // Each test app its own Redis key space: counters and channels never leak between tests.
    REDIS_KEY_PREFIX: `test-${randomBytes(4).toString('hex')}:`,
  });
  return base.with(overrides);
}

/** Server-mode connection strings, from the process environment. */
export function serverDatabaseUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}
