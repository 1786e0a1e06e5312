/**
 * Authenticated `GET /api/v1/me` throughput: the built application on the
 * embedded default (PGlite) and on PostgreSQL, beside a bare Fastify + `pg`
 * server (bench/bare-server.ts) that verifies the same JWT and runs the same SQL
 * against the same PostgreSQL database, all in one run, measured with autocannon.
 *
 * Run (from the repository root):   npm run bench:me
 * which is: npm run build && npx tsc -p bench/tsconfig.json && node dist/bench/bench/me-throughput.js
 *
 * Every server is a child process; autocannon runs in this process. Servers run
 * one at a time. Each measurement is preceded by a warm-up with the same load.
 *
 * Options (environment):
 *   BENCH_PG_URL        PostgreSQL admin URL; a fresh database bench_<random> is created
 *                       there and dropped at the end (postgres://postgres@127.0.0.1:5432/test)
 *   BENCH_DURATION      seconds per measurement (10)
 *   BENCH_WARMUP        seconds of warm-up before each measurement (2)
 *   BENCH_CONNECTIONS   concurrent connections (16)
 *   BENCH_PIPELINING    requests in flight per connection (1)
 *   BENCH_TARGETS       comma-separated, of embedded, postgres, bare, bare-string-secret
 *                       (embedded,postgres,bare); bare-string-secret is the bare server given the JWT
 *                       secret as a string instead of a KeyObject (see bench/bare-server.ts)
 *   BENCH_JSON          a file to write the raw figures to, as JSON
 *   BENCH_APP_MAIN      the application's main.js (this checkout's build): another build's, to compare two versions
 *   BENCH_NODE_ARGS     flags for the servers' node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
 *
 * Exits 1 when any measured run saw an error, a timeout or a non-2xx response,
 * after printing what the server answered and the tail of its log.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Client } from 'pg';
import { ADMIN_PASSWORD, APP_MAIN, ENCRYPTION_KEY, JWT_SECRET, PG_ADMIN_URL, Server, sleep, startChild, stopChild } from './bench-util';

/** Compiled to dist/bench/bench/ (bench/tsconfig.json, rootDir ..): the repository root is three levels up. */
const BARE_MAIN = join(__dirname, 'bare-server.js');

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PIPELINING = Number(process.env.BENCH_PIPELINING ?? 1);
const TARGETS = new Set((process.env.BENCH_TARGETS ?? 'embedded,postgres,bare').split(',').map((s) => s.trim()));
const JSON_OUT = process.env.BENCH_JSON;

/** The schema allows at most 10,000,000 requests per IP per window; that keeps the limit out of the way. */
const RATE_LIMIT_MAX = '10000000';
const POOL_SIZE = '10';

interface Measurement {
  name: string;
  requestsPerSecond: number;
  requestsStddev: number;
  latencyP50: number;
  latencyP99: number;
  latencyMean: number;
  completed: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Transactions the database committed or rolled back per request (PostgreSQL only). */
  sqlPerRequest?: number;
  /**
   * CPU time the server process spent per request during the measurement (user + system, from
   * /proc/<pid>/stat; the embedded database runs in that process, PostgreSQL does not). Unlike
   * req/s, it barely moves when other processes compete for the CPUs.
   */
  cpuMicrosPerRequest?: number;
}

/** CPU time (user + system) a process has used so far, in ms; undefined where /proc is not there. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}


async function login(server: Server): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (res.status !== 200 || !body.accessToken) throw new Error(`login on ${server.name} failed: ${res.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}

async function getMe(server: Server, token: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

async function load(url: string, token: string, duration: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/api/v1/me`,
    headers: { authorization: `Bearer ${token}` },
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    duration,
    timeout: 10,
  });
}

/** Committed plus rolled-back transactions of a database so far (each autocommit statement is one). */
async function transactions(admin: Client | undefined, database: string | undefined): Promise<number | undefined> {
  if (!admin || !database) return undefined;
  const { rows } = await admin.query<{ n: string }>(
    'SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = $1',
    [database],
  );
  return rows[0] ? Number(rows[0].n) : undefined;
}

/**
 * Warm-up, then the measured run, then the server is stopped (its database
 * sessions end, which flushes their statistics) and the transactions per request
 * over warm-up and measurement are worked out.
 */
async function measure(server: Server, token: string, stats?: { admin: Client; database: string }): Promise<Measurement> {
  const before = await transactions(stats?.admin, stats?.database);
  process.stdout.write(`  ${server.name}: warm-up ${WARMUP} s, then ${DURATION} s at ${CONNECTIONS} connections x ${PIPELINING}... `);
  const warm = WARMUP > 0 ? await load(server.url, token, WARMUP) : undefined;
  const cpuBefore = processCpuMs(server.child.pid);
  const result = await load(server.url, token, DURATION);
  const cpuAfter = processCpuMs(server.child.pid);
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  const m: Measurement = {
    name: server.name,
    requestsPerSecond: result.requests.average,
    requestsStddev: result.requests.stddev,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMean: result.latency.average,
    completed: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    ...(cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0 && { cpuMicrosPerRequest: ((cpuAfter - cpuBefore) * 1000) / result.requests.total }),
  };
  process.stdout.write(`${Math.round(m.requestsPerSecond)} req/s\n`);
  if (m.errors + m.timeouts + m.non2xx > 0) await explainFailure(server, token, m);
  await stopChild(server);
  if (before !== undefined) {
    await sleep(500);
    const after = await transactions(stats?.admin, stats?.database);
    const requests = m.completed + (warm?.requests.total ?? 0);
    if (after !== undefined && requests > 0) m.sqlPerRequest = (after - before) / requests;
  }
  return m;
}

async function explainFailure(server: Server, token: string, m: Measurement): Promise<void> {
  process.stdout.write(
    `\n  !! ${server.name}: ${m.errors} errors, ${m.timeouts} timeouts, ${m.non2xx} non-2xx; status codes ${JSON.stringify(m.statusCodes)}\n`,
  );
  try {
    const sample = await getMe(server, token);
    process.stdout.write(`  !! a request now answers ${sample.status}: ${JSON.stringify(sample.body).slice(0, 2000)}\n`);
  } catch (err) {
    process.stdout.write(`  !! a request now fails: ${String(err)}\n`);
  }
  process.stdout.write(`  !! last lines of its log:\n${server.log().split('\n').slice(-40).join('\n')}\n`);
}

function appEnv(dataDir: string, databaseUrl?: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    JWT_SECRET,
    ENCRYPTION_KEY,
    ADMIN_PASSWORD,
    RATE_LIMIT_MAX,
    LOG_LEVEL: 'warn',
    DATABASE_POOL_SIZE: POOL_SIZE,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
}

const pad = (s: string, n: number) => s.padStart(n);
const fmt = (x: number | undefined, digits = 0) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));

function printTable(results: Measurement[]): void {
  const head = ['server', 'req/s', '±sd', 'p50 ms', 'p99 ms', 'mean ms', 'requests', 'errors', 'timeouts', 'non-2xx', 'SQL/req', 'CPU µs/req'];
  const rows = results.map((m) => [
    m.name,
    fmt(m.requestsPerSecond),
    fmt(m.requestsStddev),
    fmt(m.latencyP50),
    fmt(m.latencyP99),
    fmt(m.latencyMean, 2),
    String(m.completed),
    String(m.errors),
    String(m.timeouts),
    String(m.non2xx),
    fmt(m.sqlPerRequest, 2),
    fmt(m.cpuMicrosPerRequest),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : pad(c, widths[i]))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const started = new Date();
  console.log(`GET /api/v1/me throughput, ${started.toISOString()}`);
  console.log(`node ${process.version}, ${cpus().length} CPUs, autocannon in this process, servers as child processes, loopback only`);
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other processes compete for the same CPUs)`);
  const results: Measurement[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'bench-me-'));
  const database = `bench_${randomBytes(6).toString('hex')}`;
  const needPg = TARGETS.has('postgres') || TARGETS.has('bare') || TARGETS.has('bare-string-secret');
  let admin: Client | undefined;
  let running: Server | undefined;
  let failed = false;
  const bodies: Record<string, unknown> = {};

  const cleanUp = async () => {
    if (running) await stopChild(running).catch(() => undefined);
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch((err: unknown) => console.error(`could not drop ${database}: ${String(err)}`));
      await admin.end().catch(() => undefined);
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = () => {
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (needPg) {
      admin = new Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${database}"`);
    }
    const pgUrl = (() => {
      const u = new URL(PG_ADMIN_URL);
      u.pathname = `/${database}`;
      return u.toString();
    })();

    if (TARGETS.has('embedded')) {
      running = await startChild('app, embedded PGlite', APP_MAIN, appEnv(join(tmp, 'embedded')));
      const token = await login(running);
      bodies.embedded = (await getMe(running, token)).body;
      results.push(await measure(running, token));
      running = undefined;
    }

    let pgToken: string | undefined;
    if (needPg) {
      // The app creates the schema and the admin; the bare server reuses both (and the app's token).
      running = await startChild('app, PostgreSQL', APP_MAIN, appEnv(join(tmp, 'postgres'), pgUrl));
      pgToken = await login(running);
      bodies.postgres = (await getMe(running, pgToken)).body;
      if (TARGETS.has('postgres')) results.push(await measure(running, pgToken, { admin: admin!, database }));
      else await stopChild(running);
      running = undefined;
    }

    for (const [target, name, keyObject] of [
      ['bare', 'bare Fastify + pg, PostgreSQL', '1'],
      ['bare-string-secret', 'bare, JWT secret as a string', '0'],
    ] as const) {
      if (!TARGETS.has(target)) continue;
      running = await startChild(name, BARE_MAIN, { DATABASE_URL: pgUrl, JWT_SECRET, JWT_KEY_OBJECT: keyObject, DATABASE_POOL_SIZE: POOL_SIZE });
      const sample = await getMe(running, pgToken!);
      if (sample.status !== 200 || !isDeepStrictEqual(sample.body, bodies.postgres)) {
        throw new Error(
          `the bare server does not answer what the app answers:\n app:  ${JSON.stringify(bodies.postgres)}\n bare: ${sample.status} ${JSON.stringify(sample.body)}`,
        );
      }
      results.push(await measure(running, pgToken!, { admin: admin!, database }));
      running = undefined;
    }
    if (bodies.embedded && bodies.postgres) {
      const keys = (b: unknown) => Object.keys(b as object).sort().join(',');
      if (keys(bodies.embedded) !== keys(bodies.postgres)) throw new Error('the app answers differently on PGlite and on PostgreSQL');
    }
  } finally {
    await cleanUp();
  }

  console.log('');
  printTable(results);
  const find = (prefix: string) => results.find((m) => m.name.startsWith(prefix));
  const bare = find('bare Fastify');
  const bareString = find('bare, JWT secret');
  const pg = find('app, PostgreSQL');
  const emb = find('app, embedded');
  console.log('');
  if (bare) {
    if (pg) console.log(`app on PostgreSQL / bare on PostgreSQL: ${(pg.requestsPerSecond / bare.requestsPerSecond).toFixed(2)} (p99 latency ${(pg.latencyP99 / bare.latencyP99).toFixed(2)}x)`);
    if (emb) console.log(`app on PGlite     / bare on PostgreSQL: ${(emb.requestsPerSecond / bare.requestsPerSecond).toFixed(2)}`);
  }
  if (pg && emb) console.log(`app on PGlite     / app on PostgreSQL:  ${(emb.requestsPerSecond / pg.requestsPerSecond).toFixed(2)}`);
  if (pg && bareString) console.log(`app on PostgreSQL / bare with a string secret: ${(pg.requestsPerSecond / bareString.requestsPerSecond).toFixed(2)}`);
  if (pg?.cpuMicrosPerRequest && bare?.cpuMicrosPerRequest) {
    console.log(`server CPU per request, app on PostgreSQL / bare: ${(pg.cpuMicrosPerRequest / bare.cpuMicrosPerRequest).toFixed(2)}`);
  }
  console.log('(req/s: mean of per-second samples; latency in ms; SQL/req: database transactions per request over warm-up and measurement;');
  console.log(' CPU µs/req: user + system CPU of the server process per measured request, steadier than req/s on a shared machine)');
  console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  for (const m of results) {
    if (m.errors + m.timeouts + m.non2xx > 0) {
      failed = true;
      console.log(`FAILED: ${m.name} had ${m.errors} errors, ${m.timeouts} timeouts and ${m.non2xx} non-2xx responses ${JSON.stringify(m.statusCodes)}; the figures are meaningless.`);
    }
  }
  if (JSON_OUT) {
    writeFileSync(JSON_OUT, JSON.stringify({ date: started.toISOString(), node: process.version, duration: DURATION, warmup: WARMUP, connections: CONNECTIONS, pipelining: PIPELINING, results }, null, 2));
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
