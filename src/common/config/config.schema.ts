import { parseEgressAllowEntry } from '../egress/egress-policy';
import { EnvParser, bool, byteSize, int, list, oneOf, str, trustProxy, url } from './env-parsers';

export interface EnvVar<T> {
  /** Default as written in the environment; `undefined` means the variable is optional and unset. */
  readonly default: string | undefined;
  readonly description: string;
  readonly parse: EnvParser<T>;
  /** Never printed, never logged. */
  readonly secret?: boolean;
}

const v = <T>(parse: EnvParser<T>, defaultValue: string, description: string, secret = false): EnvVar<T> => ({
  parse,
  default: defaultValue,
  description,
  secret,
});
const optional = <T>(parse: EnvParser<T>, description: string, secret = false): EnvVar<T | undefined> => ({
  parse,
  default: undefined,
  description,
  secret,
});

const encryptionKey = str({ pattern: /^[A-Za-z0-9+/]{43}=$/, hint: '32 random bytes in base64 (openssl rand -base64 32)' });

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
  DATABASE_POOL_SIZE: v(int(1, 200), '10', 'Connections in the pool of each node (the embedded database always gets one: PGlite runs one query at a time).'),
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
  LOG_PRETTY: optional(
    bool,
    'Human-readable logs instead of JSON lines. Unset: on when stdout is a terminal and `NODE_ENV` is not `production`, off otherwise.',
  ),
  CORS_ORIGINS: v(
    list(str({ pattern: /^(\*|https?:\/\/[^\s,/]+)$/, hint: 'a comma-separated list of origins (https://app.example.com) or *' })),
    '',
    'Comma-separated origins allowed by CORS, or `*`. Empty: no cross-origin access.',
  ),
  BODY_LIMIT: v(byteSize(1024, 1024 ** 3), '1mb', 'Largest accepted request body (bytes, or with kb / mb / gb).'),
  TRUST_PROXY: v(
    trustProxy,
    'false',
    'Believe `X-Forwarded-*` headers (client address, `https`) from these reverse proxies: comma-separated addresses or CIDR ranges (`10.0.0.2`, `10.0.0.0/8`), `true` (any peer: only when clients cannot reach the node directly) or `false`.',
  ),
  RATE_LIMIT_TTL_SECONDS: v(int(1, 86_400), '60', 'Window of the global per-IP rate limit.'),
  RATE_LIMIT_MAX: v(int(1, 10_000_000), '600', 'Requests per IP per window.'),
  SOCKET_HANDSHAKE_RATE_LIMIT_MAX: v(
    int(1, 100_000),
    '300',
    'Socket.IO handshakes (connections and reconnections, every namespace) per client IP per minute; more are refused with `too-many-requests`.',
  ),
  SOCKET_MAX_PER_USER: v(int(1, 10_000), '20', 'Sockets one user may have connected at once, per namespace, over every node; one more is refused with `too-many-sockets`.'),
  SOCKET_MAX_PER_IP: v(int(1, 100_000), '500', 'Sockets one client IP may have connected at once, per namespace, over every node; one more is refused with `too-many-sockets`.'),
  JWT_SECRET: optional(
    str({ min: 32 }),
    'HMAC key that signs access tokens (HS256), 32 characters or more. Required in production; the embedded default generates one under `DATA_DIR/secrets.json`. Every node must share it.',
    true,
  ),
  ENCRYPTION_KEY: optional(
    encryptionKey,
    'Key for secrets at rest (OIDC client secrets, streaming keys, SIP PINs) and the OIDC login state, base64 of 32 bytes; each use gets its own key derived from it (HKDF). Required in production; generated under `DATA_DIR/secrets.json` otherwise. To rotate it, see `ENCRYPTION_KEYS_PREVIOUS`.',
    true,
  ),
  ENCRYPTION_KEYS_PREVIOUS: v(
    list(encryptionKey),
    '',
    'Comma-separated keys that `ENCRYPTION_KEY` replaced: what was encrypted with them still opens, and `npm run secrets:reencrypt` seals it again with the current key (docs/security.md).',
    true,
  ),
  EGRESS_ALLOW: v(
    list(parseEgressAllowEntry),
    '',
    'Destinations the server may fetch although they are not public addresses (OIDC issuers and their endpoints): comma-separated CIDR ranges (`10.0.0.0/8`), addresses with an optional port (`127.0.0.1`, `[::1]:8080`) or host names with an optional port (`idp.internal:8443`). Empty: only public unicast addresses; loopback, private, CGNAT, link-local, ULA, multicast and cloud metadata addresses are refused.',
  ),
  EGRESS_MAX_RESPONSE_BYTES: v(byteSize(1024, 1024 ** 3), '1mb', 'Largest response body the server reads from a configured URL (OIDC discovery documents, key sets, token responses); a longer one is cut off.'),
  EGRESS_TIMEOUT_MS: v(int(100, 600_000), '10000', 'Longest time a request to a configured URL may take, redirects and body included.'),
  ACCESS_TOKEN_TTL_SECONDS: v(int(30, 86_400), '900', 'Lifetime of an access token.'),
  REFRESH_TOKEN_TTL_DAYS: v(int(1, 365), '30', 'Lifetime of a refresh token (each use rotates it).'),
  API_KEY_MAX_TTL_DAYS: v(
    int(0, 3650),
    '365',
    'Longest lifetime of an API key: a key made without `expiresAt` expires after it, a later `expiresAt` is refused (400). `0`: no maximum (keys without `expiresAt` never expire).',
  ),
  REGISTRATION_ENABLED: v(bool, 'true', 'Allow self-registration through `POST /api/v1/auth/register`.'),
  ADMIN_EMAIL: v(str({ pattern: /^[^\s@]+@[^\s@]+$/, hint: 'an e-mail address' }), 'admin@localhost', 'E-mail of the platform admin created on first start.'),
  ADMIN_USERNAME: v(str({ pattern: /^[A-Za-z0-9._-]{3,32}$/, hint: '3 to 32 letters, digits, dots, dashes or underscores' }), 'admin', 'Username of the platform admin created on first start.'),
  ADMIN_PASSWORD: optional(str({ min: 12 }), 'Password of the platform admin created on first start. Unset: one is generated and printed once.', true),
  LOCKOUT_THRESHOLD: v(int(1, 1000), '5', 'Consecutive failed logins that lock an account.'),
  LOCKOUT_BASE_SECONDS: v(int(1, 86_400), '60', 'First lock period; each further lock doubles it.'),
  LOCKOUT_MAX_SECONDS: v(int(1, 2_592_000), '3600', 'Longest lock period.'),
  LOGIN_RATE_LIMIT_MAX: v(int(1, 100_000), '20', 'Login, registration and password-reset attempts per IP per minute.'),
  SMTP_URL: optional(url(['smtp:', 'smtps:']), 'SMTP server for outgoing mail (`smtp://user:pass@host:587`). Unset: mail is written to the log.', true),
  MAIL_FROM: v(str({ min: 3 }), 'Collab <no-reply@localhost>', 'Sender of outgoing mail.'),
  EMAIL_VERIFICATION_TTL_HOURS: v(int(1, 720), '48', 'Validity of an e-mail verification link.'),
  PASSWORD_RESET_TTL_MINUTES: v(int(5, 1440), '30', 'Validity of a password reset link.'),
  TENANT_INVITATION_TTL_HOURS: v(int(1, 2160), '168', 'Validity of a tenant invitation (resending renews it).'),
  METRICS_TOKEN: optional(
    str({ min: 16 }),
    'When set, `GET /metrics` requires `Authorization: Bearer <METRICS_TOKEN>` (16 characters or more). Unset: `/metrics` is open.',
    true,
  ),
  SHUTDOWN_TIMEOUT_MS: v(int(0, 600_000), '10000', 'How long a shutdown waits for in-flight requests before it exits anyway.'),
} satisfies Record<string, EnvVar<unknown>>;

export type EnvSchema = typeof ENV_SCHEMA;
export type Env = { [K in keyof EnvSchema]: EnvSchema[K] extends EnvVar<infer T> ? T : never };
