/**
 * The baseline of bench/me-throughput.ts: `GET /api/v1/me` on bare Fastify 5 +
 * `pg`, with none of Nest, TypeORM, helmet, CORS, pino, throttling, request
 * context or metrics. It does the work one authenticated request does in the
 * application, with the same libraries where the work is the same:
 *
 *   1. HS256 verify with issuer and audience (jsonwebtoken, as @nestjs/jwt uses);
 *   2. the same SQL, statement for statement, as TypeORM sends it
 *      (AuthenticatorService.fromAccessToken, then UsersService.getProfile):
 *        user by id  ||  refresh-token family revoked?    (in parallel)
 *        tenant by id
 *        last_seen_at update                              (fire and forget)
 *        user by tenant and id
 *   3. the tenant roles from memory (the app keeps a Casbin enforcer per tenant;
 *      here the tenant's `g` links are read once and walked);
 *   4. the same JSON body (UsersService.toDto).
 *
 * Configuration (environment): PORT, DATABASE_URL, JWT_SECRET, DATABASE_POOL_SIZE (10), and
 * JWT_KEY_OBJECT=1 to hand jsonwebtoken a KeyObject instead of the string: given a string,
 * jsonwebtoken tries to parse it as a PEM public key (and fails) on every verify, which costs
 * far more than the HMAC itself; the application (@nestjs/jwt with a string secret) pays that.
 * The issuer and audience are those of src/auth/token.service.ts; should they drift,
 * every request is refused and the benchmark fails on its non-2xx count.
 */
import Fastify, { FastifyReply } from 'fastify';
import jwt from 'jsonwebtoken';
import { createSecretKey } from 'node:crypto';
import { Pool } from 'pg';

const JWT_ISSUER = 'collab-backend';
const JWT_AUDIENCE = 'collab-api';

const PORT = Number(process.env.PORT ?? 0);
const DATABASE_URL = process.env.DATABASE_URL;
const JWT_SECRET = process.env.JWT_SECRET;
const POOL_SIZE = Number(process.env.DATABASE_POOL_SIZE ?? 10);
if (!DATABASE_URL || !JWT_SECRET) {
  process.stderr.write('bare-server: DATABASE_URL and JWT_SECRET are required\n');
  process.exit(1);
}
const JWT_KEY = process.env.JWT_KEY_OBJECT === '1' ? createSecretKey(Buffer.from(JWT_SECRET)) : JWT_SECRET;

// The SELECT lists TypeORM builds for findOneBy() on UserEntity and TenantEntity (columns in entity order).
const USER_COLUMNS = [
  'id', 'tenant_id', 'email', 'username', 'display_name', 'first_name', 'last_name', 'password_hash', 'role', 'is_active',
  'is_blocked', 'blocked_reason', 'disabled_since', 'failed_login_attempts', 'lockout_count', 'locked_until', 'email_verified',
  'email_verified_at', 'token_version', 'last_login_at', 'last_seen_at', 'avatar_url', 'language', 'conference_theme',
  'dashboard_theme', 'phone', 'title', 'country', 'profession', 'tariff_id', 'tariff_status', 'created_at', 'updated_at',
];
const TENANT_COLUMNS = [
  'id', 'name', 'slug', 'is_default', 'disabled_at', 'oidc_issuer', 'oidc_client_id', 'oidc_client_secret_enc', 'oidc_tenant_id',
  'settings', 'created_at', 'updated_at',
];
const select = (entity: string, table: string, columns: string[]): string =>
  `SELECT ${columns.map((c) => `"${entity}"."${c}" AS "${entity}_${c}"`).join(', ')} FROM "${table}" "${entity}"`;

const SQL = {
  userById: `${select('UserEntity', 'users', USER_COLUMNS)} WHERE (("UserEntity"."id" = $1)) LIMIT 1`,
  familyRevoked: `SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NOT NULL LIMIT 1`,
  tenantById: `${select('TenantEntity', 'tenants', TENANT_COLUMNS)} WHERE (("TenantEntity"."id" = $1)) LIMIT 1`,
  touchLastSeen: `UPDATE users SET last_seen_at = now() WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < now() - interval '1 minute')`,
  userInTenant: `${select('UserEntity', 'users', USER_COLUMNS)} WHERE (("UserEntity"."tenant_id" = $1) AND ("UserEntity"."id" = $2)) LIMIT 1`,
  tenantLinks: `SELECT v0, v2 FROM casbin_rule WHERE ptype = 'g' AND v1 = $1`,
};

interface Claims {
  sub: string;
  tid: string;
  ver: number;
  sid: string;
  typ: string;
}

type Row = Record<string, unknown>;

const pool = new Pool({ connectionString: DATABASE_URL, max: POOL_SIZE, application_name: 'bench-bare-server' });
const app = Fastify({ logger: false });

/** Tenant id -> member -> parents (`g` links), read once per tenant. */
const links = new Map<string, Promise<Map<string, string[]>>>();

function tenantLinks(tenantId: string): Promise<Map<string, string[]>> {
  let cached = links.get(tenantId);
  if (!cached) {
    cached = pool.query<{ v0: string; v2: string }>(SQL.tenantLinks, [tenantId]).then(({ rows }) => {
      const parents = new Map<string, string[]>();
      for (const { v0, v2 } of rows) parents.set(v0, [...(parents.get(v0) ?? []), v2]);
      return parents;
    });
    cached.catch(() => links.delete(tenantId));
    links.set(tenantId, cached);
  }
  return cached;
}

async function roleNames(tenantId: string, userId: string): Promise<string[]> {
  const parents = await tenantLinks(tenantId);
  const seen = new Set<string>();
  const queue = [`user:${userId}`];
  while (queue.length > 0) {
    for (const parent of parents.get(queue.pop()!) ?? []) {
      if (!seen.has(parent)) {
        seen.add(parent);
        queue.push(parent);
      }
    }
  }
  return [...seen].filter((s) => s.startsWith('role:')).map((s) => s.slice('role:'.length)).sort();
}

function refuse(reply: FastifyReply, status: number, code: string, detail: string): FastifyReply {
  return reply.code(status).type('application/problem+json').send({ type: `about:blank`, title: code, status, code, detail });
}

const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : null);

app.get('/health/ready', async () => {
  await pool.query('SELECT 1');
  return { status: 'ok' };
});

app.get('/api/v1/me', async (request, reply) => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) return refuse(reply, 401, 'invalid-token', 'The Authorization header must be "Bearer <token>".');
  let claims: Claims;
  try {
    claims = jwt.verify(match[1], JWT_KEY, { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE }) as Claims;
  } catch {
    return refuse(reply, 401, 'invalid-token', 'The access token is malformed, expired or not signed by this server.');
  }
  if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.tid !== 'string' || typeof claims.sid !== 'string' || !Number.isInteger(claims.ver)) {
    return refuse(reply, 401, 'invalid-token', 'The access token is malformed, expired or not signed by this server.');
  }

  const [userRows, familyRows] = await Promise.all([pool.query<Row>(SQL.userById, [claims.sub]), pool.query(SQL.familyRevoked, [claims.sid])]);
  const user = userRows.rows[0];
  if (!user || user.UserEntity_tenant_id !== claims.tid) return refuse(reply, 401, 'invalid-token', 'The access token belongs to no user.');
  if (user.UserEntity_token_version !== claims.ver || familyRows.rows.length > 0) return refuse(reply, 401, 'token-revoked', 'The access token was revoked.');
  if (user.UserEntity_is_blocked) return refuse(reply, 401, 'account-blocked', 'The account is blocked.');
  if (user.UserEntity_disabled_since || !user.UserEntity_is_active) return refuse(reply, 401, 'account-disabled', 'The account is disabled.');
  const tenant = (await pool.query<Row>(SQL.tenantById, [claims.tid])).rows[0];
  if (!tenant || tenant.TenantEntity_disabled_at) return refuse(reply, 401, 'tenant-disabled', 'The tenant is disabled.');
  void pool.query(SQL.touchLastSeen, [claims.sub]).catch(() => undefined);

  const u = (await pool.query<Row>(SQL.userInTenant, [claims.tid, claims.sub])).rows[0];
  if (!u) return refuse(reply, 404, 'not-found', 'User not found.');
  const now = new Date();
  const lockedUntil = u.UserEntity_locked_until as Date | null;
  const status = u.UserEntity_is_blocked
    ? 'blocked'
    : u.UserEntity_disabled_since || !u.UserEntity_is_active
      ? 'disabled'
      : lockedUntil && lockedUntil > now
        ? 'locked'
        : 'active';
  return {
    id: u.UserEntity_id,
    tenantId: u.UserEntity_tenant_id,
    email: u.UserEntity_email,
    username: u.UserEntity_username,
    displayName: u.UserEntity_display_name,
    firstName: u.UserEntity_first_name,
    lastName: u.UserEntity_last_name,
    role: u.UserEntity_role,
    tenantRoles: await roleNames(claims.tid, claims.sub),
    status,
    emailVerified: u.UserEntity_email_verified,
    lockedUntil: lockedUntil && lockedUntil > now ? lockedUntil.toISOString() : null,
    lastLoginAt: iso(u.UserEntity_last_login_at),
    avatarUrl: u.UserEntity_avatar_url,
    language: u.UserEntity_language,
    conferenceTheme: u.UserEntity_conference_theme,
    dashboardTheme: u.UserEntity_dashboard_theme,
    phone: u.UserEntity_phone,
    title: u.UserEntity_title,
    country: u.UserEntity_country,
    profession: u.UserEntity_profession,
    createdAt: iso(u.UserEntity_created_at),
  };
});

async function shutdown(): Promise<void> {
  await app.close();
  await pool.end();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());

app.listen({ port: PORT, host: '127.0.0.1' }).catch((err: unknown) => {
  process.stderr.write(`bare-server: ${String(err)}\n`);
  process.exit(1);
});
