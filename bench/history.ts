/**
 * Message history paging with a long history: a room with BENCH_MESSAGES (100,000) messages, inserted
 * with one `INSERT ... SELECT generate_series` into room_messages, then autocannon on
 *   newest page:  GET /api/v1/rooms/{id}/messages?limit=50
 *   deep page:    GET /api/v1/rooms/{id}/messages?limit=50&before=<the id of the middle message>
 * for BENCH_DURATION (10) seconds each at BENCH_CONNECTIONS (16), after a BENCH_WARMUP (2) s warm-up,
 * on PostgreSQL and on the embedded default (PGlite).
 *
 * Run:  npm run bench:history   (= npm run build && tsc -p bench/tsconfig.json && node dist/bench/bench/history.js)
 * Env:  BENCH_PG_URL, BENCH_TARGETS (postgres,embedded), BENCH_MESSAGES, BENCH_DURATION, BENCH_WARMUP,
 *       BENCH_CONNECTIONS, BENCH_JSON
 *
 * Each server is a child process running this file in `serve` mode: it starts the application with
 * startServer (as in bench/authz-overhead.ts; that is the only way to reach the embedded PGlite
 * database, which lives inside the server process), signs in, creates the room over REST, inserts
 * the messages through the app's own DataSource and prints what the parent needs. autocannon runs in
 * the parent. Exits 1 on any error, timeout or non-2xx, or when a page is not what it should be.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  ADMIN_PASSWORD,
  ENCRYPTION_KEY,
  JWT_SECRET,
  createBenchDatabase,
  createRoom,
  login,
  printTable,
} from './bench-util';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const TARGETS = (process.env.BENCH_TARGETS ?? 'postgres,embedded').split(',').map((s) => s.trim());
const JSON_OUT = process.env.BENCH_JSON;

interface Ready {
  url: string;
  token: string;
  roomId: string;
  middleId: string;
  newestId: string;
  count: number;
  insertMs: number;
  startMs: number;
}

/** Child: start the app, create the room, insert the messages, print a JSON line. */
async function serve(): Promise<void> {
  // Loaded here only: the parent does not need Nest.
  /* eslint-disable @typescript-eslint/no-require-imports */
  require('reflect-metadata');
  const { DataSource } = require('typeorm') as typeof import('typeorm');
  const { AppConfig } = require('../src/common/config/app-config') as typeof import('../src/common/config/app-config');
  const { startServer } = require('../src/server') as typeof import('../src/server');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const t0 = Date.now();
  const server = await startServer(
    AppConfig.fromEnv({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: process.env.DATA_DIR,
      DATABASE_URL: process.env.DATABASE_URL || undefined,
      DATABASE_POOL_SIZE: '10',
      LOG_LEVEL: 'warn',
      ADMIN_PASSWORD,
      JWT_SECRET: process.env.JWT_SECRET,
      ENCRYPTION_KEY: process.env.ENCRYPTION_KEY,
      RATE_LIMIT_MAX: '10000000',
    }),
  );
  const startMs = Date.now() - t0;
  const ds = server.app.get(DataSource);
  const token = await login(server.url);
  const roomId = await createRoom(server.url, token, 'history');
  const [{ tenant_id: tenantId, owner_id: authorId }] = (await ds.query('SELECT tenant_id, owner_id FROM rooms WHERE id = $1', [roomId])) as {
    tenant_id: string;
    owner_id: string;
  }[];
  const t1 = Date.now();
  // One message per second of history, the newest one second ago; the text is 40 to 140 characters.
  await ds.query(
    `INSERT INTO room_messages (tenant_id, room_id, author_id, kind, text, created_at)
     SELECT $1, $2, $3, 'user', 'history message ' || g || ' ' || repeat('lorem ipsum ', 1 + g % 10), now() - ($4::int - g + 1) * interval '1 second'
     FROM generate_series(1, $4::int) AS g`,
    [tenantId, roomId, authorId, MESSAGES],
  );
  await ds.query('ANALYZE room_messages');
  const insertMs = Date.now() - t1;
  const [{ n }] = (await ds.query('SELECT count(*)::int AS n FROM room_messages WHERE room_id = $1', [roomId])) as { n: number }[];
  const [{ id: middleId }] = (await ds.query('SELECT id FROM room_messages WHERE room_id = $1 ORDER BY created_at, id OFFSET $2 LIMIT 1', [
    roomId,
    Math.floor(n / 2),
  ])) as { id: string }[];
  const [{ id: newestId }] = (await ds.query('SELECT id FROM room_messages WHERE room_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1', [roomId])) as {
    id: string;
  }[];
  const ready: Ready = { url: server.url, token, roomId, middleId, newestId, count: n, insertMs, startMs };
  process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
  process.once('SIGTERM', () => void server.close().finally(() => process.exit(0)));
}

interface Measurement {
  target: string;
  page: string;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

async function check(url: string, token: string, expectFirst: string | undefined, label: string): Promise<void> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { items?: { id: string }[]; nextCursor?: string | null };
  if (res.status !== 200 || body.items?.length !== 50 || !body.nextCursor || (expectFirst && body.items[0].id !== expectFirst)) {
    throw new Error(`${label}: unexpected answer ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
  }
}

async function measure(target: string, page: string, url: string, token: string): Promise<Measurement> {
  const opts = { url, headers: { authorization: `Bearer ${token}` }, connections: CONNECTIONS, timeout: 10 };
  process.stdout.write(`  ${target}, ${page}: warm-up ${WARMUP} s, ${DURATION} s at ${CONNECTIONS} connections... `);
  if (WARMUP > 0) await autocannon({ ...opts, duration: WARMUP });
  const r = await autocannon({ ...opts, duration: DURATION });
  const m: Measurement = {
    target,
    page,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: r.latency.average,
    requests: r.requests.total,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
  };
  process.stdout.write(`${Math.round(m.rps)} req/s\n`);
  if (m.errors + m.timeouts + m.non2xx > 0) console.log(`  !! ${target} ${page}: ${m.errors} errors, ${m.timeouts} timeouts, ${m.non2xx} non-2xx`);
  return m;
}

async function bench(target: string, results: Measurement[], setup: string[]): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'bench-history-'));
  const db = target === 'postgres' ? await createBenchDatabase() : undefined;
  let log = '';
  const child = spawn(process.execPath, [__filename, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? tmpdir(),
      DATA_DIR: join(tmp, 'data'),
      DATABASE_URL: db?.url ?? '',
      JWT_SECRET,
      ENCRYPTION_KEY,
      BENCH_MESSAGES: String(MESSAGES),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-32_768)));
  try {
    const t0 = Date.now();
    const ready = await new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${target}: not ready within 180 s\n${log}`)), 180_000);
      createInterface({ input: child.stdout! }).on('line', (l) => {
        if (l.startsWith('READY ')) {
          clearTimeout(timer);
          resolve(JSON.parse(l.slice(6)) as Ready);
        } else log = (log + l + '\n').slice(-32_768);
      });
      child.once('exit', (code) => reject(new Error(`${target}: server exited with ${code}\n${log}`)));
    });
    setup.push(
      `${target}: server start ${(ready.startMs / 1000).toFixed(1)} s, ${ready.count} messages inserted (INSERT ... generate_series + ANALYZE) in ${(ready.insertMs / 1000).toFixed(1)} s, ready after ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    console.log(`  ${setup[setup.length - 1]}`);
    const base = `${ready.url}/api/v1/rooms/${ready.roomId}/messages?limit=50`;
    const deep = `${base}&before=${ready.middleId}`;
    await check(base, ready.token, ready.newestId, `${target} newest page`);
    await check(deep, ready.token, undefined, `${target} deep page`);
    results.push(await measure(target, 'newest page', base, ready.token));
    results.push(await measure(target, `deep page (before=middle, ${Math.floor(ready.count / 2)} newer)`, deep, ready.token));
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const k = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(k);
    }
    await db?.drop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'serve') return serve();
  const started = new Date();
  console.log(`Room message history paging, ${MESSAGES} messages in one room, ${started.toISOString()}`);
  console.log(`node ${process.version}, ${cpus().length} CPUs, autocannon in this process, servers as child processes, loopback only`);
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const results: Measurement[] = [];
  const setup: string[] = [];
  for (const target of TARGETS) await bench(target, results, setup);
  console.log('');
  printTable(
    ['database', 'page', 'req/s', 'p50 ms', 'p99 ms', 'mean ms', 'requests', 'errors', 'timeouts', 'non-2xx'],
    results.map((m) => [m.target, m.page, m.rps.toFixed(0), String(m.p50), String(m.p99), m.mean.toFixed(2), String(m.requests), String(m.errors), String(m.timeouts), String(m.non2xx)]),
  );
  console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ date: started.toISOString(), node: process.version, messages: MESSAGES, setup, results }, null, 2));
  process.exit(results.some((m) => m.errors + m.timeouts + m.non2xx > 0) ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
