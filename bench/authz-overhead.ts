/**
 * The cost of Casbin authorization on one HTTP request, with 1,000 tenants of 100 policies each in
 * casbin_rule: `GET /api/v1/groups?limit=1` (an @Authorize('groups', 'read') route) with enforcement
 * on, and the same route with enforcement switched off (AccessService.enforce answering true), each
 * in its own server process on a fresh embedded database, loaded by autocannon from this process.
 *
 *   npm run bench:authz        (BENCH_DURATION seconds per run, default 10; BENCH_CONNECTIONS, default 16)
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AccessService } from '../src/access/access.service';
import { AppConfig } from '../src/common/config/app-config';
import { startServer } from '../src/server';

const ADMIN_PASSWORD = 'Bench-admin-password-1';
const TENANTS = 1000;
const POLICIES = 100;
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
/** on/off runs alternate this many times; the medians are compared (one server run varies by about 15 %). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OBJECTS = ['rooms', 'events', 'chats', 'files', 'workspaces', 'deployments', 'invites', 'models', 'tariffs', 'licenses'];
const ACTIONS = ['read', 'create', 'update', 'delete', 'manage'];

/** Server mode: start the app, seed the policies, optionally switch enforcement off, print the URL. */
async function serve(authz: 'on' | 'off'): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-authz-'));
  const server = await startServer(
    AppConfig.fromEnv({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', ADMIN_PASSWORD, RATE_LIMIT_MAX: '10000000', JWT_SECRET: 'b'.repeat(48) }),
  );
  const ds = server.app.get(DataSource);
  const [{ id: defaultTenant }] = await ds.query(`SELECT id FROM tenants WHERE is_default`);
  const tenants = [defaultTenant, ...Array.from({ length: TENANTS - 1 }, () => randomUUID())];
  for (let i = 0; i < tenants.length; i += 100) {
    const rows: string[] = [];
    const params: string[] = [];
    for (const tenant of tenants.slice(i, i + 100)) {
      for (let p = 0; p < POLICIES; p++) {
        params.push(`role:r${p % 10}`, tenant, OBJECTS[p % OBJECTS.length], ACTIONS[p % ACTIONS.length], p % 7 === 0 ? 'deny' : 'allow');
        const n = params.length;
        rows.push(`('p', $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`);
      }
    }
    await ds.query(`INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES ${rows.join(', ')}`, params);
  }
  const access = server.app.get(AccessService);
  if (authz === 'off') access.enforce = async () => true;
  process.stdout.write(`${JSON.stringify({ url: server.url, rules: (await ds.query('SELECT count(*)::int AS n FROM casbin_rule'))[0].n })}\n`);
  const stop = () => void server.close().finally(() => (rmSync(dataDir, { recursive: true, force: true }), process.exit(0)));
  process.once('SIGTERM', stop);
}

interface Run {
  authz: string;
  rules: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function measure(authz: 'on' | 'off'): Promise<Run> {
  const child = spawn(process.execPath, [__filename, 'serve', authz], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l.startsWith('{"url"') && resolve(l));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const { url, rules } = JSON.parse(line) as { url: string; rules: number };
  try {
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const opts = { url: `${url}/api/v1/groups?limit=1`, headers: { authorization: `Bearer ${accessToken}` }, connections: CONNECTIONS };
    await autocannon({ ...opts, duration: 2 });
    const r = await autocannon({ ...opts, duration: DURATION });
    return { authz, rules, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'serve') return serve(process.argv[3] as 'on' | 'off');
  const runs: Run[] = [];
  for (let i = 0; i < ROUNDS; i++) runs.push(await measure('on'), await measure('off'));
  console.log(`GET /api/v1/groups?limit=1, ${CONNECTIONS} connections, ${DURATION} s per run, embedded PGlite, ${TENANTS} tenants x ${POLICIES} policies`);
  console.log('authorization | casbin rules | req/s | p50 ms | p99 ms | non-2xx | errors');
  for (const r of runs) console.log(`${r.authz.padEnd(13)} | ${String(r.rules).padStart(12)} | ${r.rps.toFixed(0).padStart(5)} | ${String(r.p50).padStart(6)} | ${String(r.p99).padStart(6)} | ${r.non2xx} | ${r.errors}`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const on = median(runs.filter((r) => r.authz === 'on').map((r) => r.rps));
  const off = median(runs.filter((r) => r.authz === 'off').map((r) => r.rps));
  console.log(`median req/s: authorization on ${on.toFixed(0)}, off ${off.toFixed(0)}: on/off = ${(on / off).toFixed(3)}`);
  if (runs.some((r) => r.non2xx > 0 || r.errors > 0)) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
