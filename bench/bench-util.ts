/**
 * Helpers shared by bench/fanout.ts and bench/history.ts: free loopback ports, server child
 * processes (output kept for failure reports), a throw-away PostgreSQL database, sign-in.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

/** Compiled to dist/bench/bench/: the repository root is three levels up. */
export const ROOT = resolve(__dirname, '..', '..', '..');
/** The server under test: this checkout's build, or BENCH_APP_MAIN (another build, to compare two versions). */
export const APP_MAIN = process.env.BENCH_APP_MAIN ?? join(ROOT, 'dist', 'src', 'main.js');
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const ADMIN_PASSWORD = 'Bench-admin-password-1';
export const JWT_SECRET = randomBytes(48).toString('base64url');
export const ENCRYPTION_KEY = randomBytes(32).toString('base64');

export interface Server {
  name: string;
  url: string;
  child: ChildProcess;
  log: () => string;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Starts `node script` with a clean environment plus `env` and a free PORT; waits for GET /health/ready. */
export async function startChild(name: string, script: string, env: Record<string, string>, args: string[] = []): Promise<Server> {
  const port = await freePort();
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-65_536);
  };
  // BENCH_NODE_ARGS: flags for the servers' node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const server: Server = { name, url: `http://127.0.0.1:${port}`, child, log: () => output };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited during start-up:\n${output}`);
    try {
      const res = await fetch(`${server.url}/health/ready`);
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await stopChild(server);
  throw new Error(`${name} was not ready within 120 s:\n${output}`);
}

export async function stopChild(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export function appEnv(dataDir: string, databaseUrl?: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    JWT_SECRET,
    ENCRYPTION_KEY,
    ADMIN_PASSWORD,
    RATE_LIMIT_MAX: '10000000',
    // One client address opens every socket: the limits stay checked at every handshake, but never bite.
    SOCKET_HANDSHAKE_RATE_LIMIT_MAX: '100000',
    SOCKET_MAX_PER_IP: '100000',
    SOCKET_MAX_PER_USER: '10000',
    LOG_LEVEL: 'warn',
    DATABASE_POOL_SIZE: '10',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...extra,
  };
}

/** A fresh database `bench_<random>` beside BENCH_PG_URL; drop() removes it (WITH FORCE). */
export async function createBenchDatabase(): Promise<{ url: string; name: string; admin: Client; drop: () => Promise<void> }> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  let dropped = false;
  return {
    url: u.toString(),
    name,
    admin,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch((err: unknown) => console.error(`could not drop ${name}: ${String(err)}`));
      await admin.end().catch(() => undefined);
    },
  };
}

export async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (res.status !== 200 || !body.accessToken) throw new Error(`login on ${url} failed: ${res.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}

export async function createRoom(url: string, token: string, name: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name, type: 'CHAT' }),
  });
  const body = (await res.json()) as { id?: string };
  if (res.status !== 201 || !body.id) throw new Error(`POST /api/v1/rooms failed: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
