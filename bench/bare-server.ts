/**
 * The baseline of bench/me-throughput.ts: `GET /api/v1/me` on bare Fastify 5 + `pg`, with none of
 * Nest, TypeORM, Passport, helmet, CORS, pino, throttling, request context or metrics: what a
 * hand-written server does for one authenticated request, with the same libraries where the work is
 * the same:
 *
 *   1. HS256 verify with issuer and audience (jsonwebtoken, as @nestjs/jwt and passport-jwt use),
 *      the secret as a KeyObject (as the application has it);
 *   2. one SQL statement: the user, its tenant's state and whether the token's session was revoked
 *      (the same query as the application's PrincipalsRepository), then every refusal rule;
 *   3. last_seen_at at most once a minute per user (fire and forget, as the application);
 *   4. the tenant roles from memory (the app keeps a Casbin enforcer per tenant; here the tenant's
 *      `g` links are read once and walked);
 *   5. the same JSON body (the application's UserDto).
 *
 * Configuration (environment): PORT, DATABASE_URL, JWT_SECRET, DATABASE_POOL_SIZE (10), and
 * JWT_KEY_OBJECT=0 to hand jsonwebtoken the secret as a string: jsonwebtoken then tries to parse it
 * as a PEM public key (and fails) on every verify, which costs far more than the HMAC itself.
 * The issuer and audience are those of src/auth/token.service.ts; should they drift, every request
 * is refused and the benchmark fails on its non-2xx count.
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
const JWT_KEY = process.env.JWT_KEY_OBJECT === '0' ? JWT_SECRET : createSecretKey(Buffer.from(JWT_SECRET));

const SQL = {
  principal: `SELECT p.*, EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = $2 AND r.revoked_at IS NOT NULL) AS session_revoked
    FROM user_principals p WHERE p.id = $1`,
  touchLastSeen: `UPDATE users SET last_seen_at = now() WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < now() - interval '1 minute')`,
  tenantLinks: `SELECT v0, v2 FROM casbin_rule WHERE ptype = 'g' AND v1 = $1`,
};

/** last_seen_at is written at most once a minute per user. */
const touched = new Map<string, number>();

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

  const u = (await pool.query<Row>(SQL.principal, [claims.sub, claims.sid])).rows[0];
  if (!u || u.tenant_id !== claims.tid) return refuse(reply, 401, 'invalid-token', 'The access token belongs to no user.');
  if (u.token_version !== claims.ver || u.session_revoked) return refuse(reply, 401, 'token-revoked', 'The access token was revoked.');
  if (u.is_blocked) return refuse(reply, 401, 'account-blocked', 'The account is blocked.');
  if (u.disabled_since || !u.is_active) return refuse(reply, 401, 'account-disabled', 'The account is disabled.');
  if (u.tenant_disabled_at) return refuse(reply, 401, 'tenant-disabled', 'The tenant is disabled.');
  const last = touched.get(claims.sub);
  if (last === undefined || Date.now() - last >= 60_000) {
    touched.set(claims.sub, Date.now());
    void pool.query(SQL.touchLastSeen, [claims.sub]).catch(() => undefined);
  }

  const now = new Date();
  const lockedUntil = u.locked_until as Date | null;
  const status = u.is_blocked
    ? 'blocked'
    : u.disabled_since || !u.is_active
      ? 'disabled'
      : lockedUntil && lockedUntil > now
        ? 'locked'
        : 'active';
  return {
    id: u.id,
    tenantId: u.tenant_id,
    email: u.email,
    username: u.username,
    displayName: u.display_name,
    firstName: u.first_name,
    lastName: u.last_name,
    role: u.role,
    tenantRoles: await roleNames(claims.tid, claims.sub),
    status,
    emailVerified: u.email_verified,
    lockedUntil: lockedUntil && lockedUntil > now ? lockedUntil.toISOString() : null,
    lastLoginAt: iso(u.last_login_at),
    avatarUrl: u.avatar_url,
    language: u.language,
    conferenceTheme: u.conference_theme,
    dashboardTheme: u.dashboard_theme,
    phone: u.phone,
    title: u.title,
    country: u.country,
    profession: u.profession,
    createdAt: iso(u.created_at),
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
