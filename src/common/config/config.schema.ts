import { EnvParser, bool, byteSize, int, list, oneOf, str, url } from './env-parsers';

export interface EnvVar<T> {
  /** Default as written in the environment; `undefined` means the variable is optional and unset. */
  readonly default: string | undefined;
  readonly description: string;
  readonly parse: EnvParser<T>;
  /** Never printed, never logged. */
  readonly secret?: boolean;
}

const v = <T>(parse: EnvParser<T>, defaultValue: string, description: string): EnvVar<T> => ({
  parse,
  default: defaultValue,
  description,
});
const optional = <T>(parse: EnvParser<T>, description: string, secret = false): EnvVar<T | undefined> => ({
  parse,
  default: undefined,
  description,
  secret,
});

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every environment variable the server reads. README.md's configuration table
 * is checked against this list by test/config-docs.spec.ts.
 */
export const ENV_SCHEMA = {
  NODE_ENV: v(
    oneOf(['development', 'production', 'test'] as const),
    'development',
    '`production` refuses to start without the secrets that the embedded default may generate.',
  ),
  HOST: v(str({ min: 1 }), '127.0.0.1', 'Interface to listen on. Use `0.0.0.0` in containers.'),
  PORT: v(int(0, 65535), '3000', 'HTTP port (`0` picks a free one).'),
  PUBLIC_URL: optional(
    url(['http:', 'https:']),
    'Public base URL of the API, used in links sent by e-mail and OIDC redirects. Default: `http://HOST:PORT`.',
  ),
  DATA_DIR: v(
    str({ min: 1 }),
    './data',
    'Where the embedded database (`DATA_DIR/pgdata`) and generated secrets live.',
  ),
  DATABASE_URL: optional(
    url(['postgres:', 'postgresql:']),
    'PostgreSQL connection string. Unset: the embedded PGlite database under `DATA_DIR`.',
    true,
  ),
  DATABASE_POOL_SIZE: v(int(1, 200), '10', 'Connections in the pool of each node.'),
  DATABASE_MIGRATIONS_RUN: v(bool, 'true', 'Apply pending migrations at start-up.'),
  DATABASE_LOG_SLOW_MS: v(int(0, 600_000), '1000', 'Log queries slower than this many milliseconds (`0`: off).'),
  REDIS_URL: optional(
    url(['redis:', 'rediss:']),
    'Redis for multi-node operation: shared rate limits, Socket.IO fan-out, policy sync. Unset: in-process.',
    true,
  ),
  REDIS_KEY_PREFIX: v(
    str({ pattern: /^[A-Za-z0-9:_-]{1,64}$/, hint: '1 to 64 letters, digits, colons, dashes or underscores' }),
    'collab:',
    'Prefix of every Redis key and channel, so that several deployments can share one Redis.',
  ),
  LOG_LEVEL: v(oneOf(LOG_LEVELS), 'info', 'Log level.'),
  LOG_PRETTY: v(bool, 'false', 'Human-readable logs instead of JSON (development only).'),
  CORS_ORIGINS: v(
    list(str({ pattern: /^(\*|https?:\/\/[^\s,/]+)$/, hint: 'a comma-separated list of origins (https://app.example.com) or *' })),
    '',
    'Comma-separated origins allowed by CORS, or `*`. Empty: no cross-origin access.',
  ),
  BODY_LIMIT: v(byteSize(1024, 1024 ** 3), '1mb', 'Largest accepted request body (bytes, or with kb / mb / gb).'),
  TRUST_PROXY: v(bool, 'false', 'Trust `X-Forwarded-*` headers (behind a reverse proxy).'),
  RATE_LIMIT_TTL_SECONDS: v(int(1, 86_400), '60', 'Window of the global per-IP rate limit.'),
  RATE_LIMIT_MAX: v(int(1, 10_000_000), '600', 'Requests per IP per window.'),
  SHUTDOWN_TIMEOUT_MS: v(int(0, 600_000), '10000', 'How long a shutdown waits for in-flight requests before it exits anyway.'),
} satisfies Record<string, EnvVar<unknown>>;

export type EnvSchema = typeof ENV_SCHEMA;
export type Env = { [K in keyof EnvSchema]: EnvSchema[K] extends EnvVar<infer T> ? T : never };
