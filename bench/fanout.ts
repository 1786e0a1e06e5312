/**
 * Socket.IO fan-out of room messages: one room with BENCH_CLIENTS (500) socket.io-client sockets
 * (WebSocket transport; each sends `room:join`). BENCH_USERS=distinct (the default): every socket is a
 * user of its own, a MEMBER of the room, authenticated with an API key of its own (users made with
 * `POST /users`, keys written straight into api_keys, memberships with `POST /rooms/{id}/members`);
 * BENCH_USERS=one: every socket is the bootstrap admin, the room's owner. Presence events received
 * while the clients join are counted.
 * BENCH_SENDERS of them (4) send `message:send` at BENCH_RATE messages per second in total (20, so
 * 5/s per sender, under the gateway's 10/s per socket) for BENCH_SEND_SECONDS (5). Each message's
 * text carries the send time (performance.now() of this process), so every receipt gives a
 * send-to-receipt latency.
 *
 *   (a) app, 1 node:   node dist/src/main.js on PostgreSQL, no Redis, all clients on it
 *   (b) app, 2 nodes:  two app processes on the same PostgreSQL database with REDIS_URL (the
 *                      redis-streams adapter, a unique REDIS_KEY_PREFIX), half the clients on each,
 *                      senders on both
 *   (c) bare:          bench/bare-socket-server.ts, plain socket.io 4 on Node http, same payload
 *
 * Run:  npm run bench:fanout   (= npm run build && tsc -p bench/tsconfig.json && node dist/bench/bench/fanout.js)
 * Env:  BENCH_PG_URL, BENCH_REDIS_URL (redis://127.0.0.1:6379), BENCH_CLIENTS, BENCH_USERS, BENCH_SENDERS, BENCH_RATE,
 *       BENCH_SEND_SECONDS, BENCH_TARGETS (app-1,app-2,bare), BENCH_JSON
 *
 * The clients run in this process and share the CPUs with the servers (2 vCPUs on the development
 * machine): the figures include the clients' own cost of decoding 500 copies of every message.
 * Exits 1 when a message was lost, a send was refused, or a socket failed to connect or join.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import Redis from 'ioredis';
import { Client } from 'pg';
import {
  APP_MAIN,
  Server,
  appEnv,
  createBenchDatabase,
  createRoom,
  login,
  percentile,
  printTable,
  sleep,
  startChild,
  stopChild,
} from './bench-util';

const BARE_MAIN = join(__dirname, 'bare-socket-server.js');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 500);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 4);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const SEND_SECONDS = Number(process.env.BENCH_SEND_SECONDS ?? 5);
const DRAIN_MS = 10_000;
const BATCH = 50;
const TARGETS = new Set((process.env.BENCH_TARGETS ?? 'app-1,app-2,bare').split(',').map((s) => s.trim()));
const JSON_OUT = process.env.BENCH_JSON;
const DISTINCT_USERS = (process.env.BENCH_USERS ?? 'distinct') === 'distinct';
const PRESENCE_EVENTS = ['presence', 'presence:joined', 'presence:left'] as const;

interface Result {
  name: string;
  clients: number;
  sent: number;
  acked: number;
  sendErrors: Record<string, number>;
  expected: number;
  received: number;
  lost: number;
  duplicates: number;
  seconds: number;
  deliveriesPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  ackP50: number;
  connectSeconds: number;
  joinErrors: number;
  presenceEvents: number;
}

/** Connects one socket per credential to `url` in batches and has each join the room; returns the sockets. */
async function connectClients(url: string, tokens: string[], roomId: string, label: string, onPresence: () => void): Promise<{ sockets: Socket[]; joinErrors: number }> {
  const sockets: Socket[] = [];
  let joinErrors = 0;
  for (let i = 0; i < tokens.length; i += BATCH) {
    const batch = tokens.slice(i, i + BATCH).map((token) => {
      const s = io(`${url}/rooms`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true, timeout: 20_000 });
      for (const event of PRESENCE_EVENTS) s.on(event, onPresence);
      return s;
    });
    await Promise.all(
      batch.map(
        (s) =>
          new Promise<void>((res, rej) => {
            s.once('connect', () => res());
            s.once('connect_error', (err: Error & { data?: unknown }) => rej(new Error(`${label}: connect_error ${err.message} ${JSON.stringify(err.data)}`)));
          }),
      ),
    );
    const answers = await Promise.all(
      batch.map((s) => s.timeout(30_000).emitWithAck('room:join', { roomId }).catch((err: unknown) => ({ ok: false, error: String(err) }))),
    );
    for (const a of answers as { ok: boolean; error?: unknown; data?: { status?: string } }[]) {
      if (!a.ok || a.data?.status !== 'joined') {
        joinErrors++;
        if (joinErrors <= 3) console.log(`  !! ${label}: room:join answered ${JSON.stringify(a).slice(0, 300)}`);
      }
    }
    sockets.push(...batch);
  }
  return { sockets, joinErrors };
}

/** `tokens`: one credential per client (the clients are spread over the nodes in that order). */
async function run(name: string, urls: string[], tokens: string[], roomId: string): Promise<Result> {
  const tag = randomBytes(4).toString('hex');
  process.stdout.write(`  ${name}: connecting ${tokens.length} clients over ${urls.length} node(s)... `);
  const t0 = performance.now();
  const all: Socket[] = [];
  let joinErrors = 0;
  let presenceEvents = 0;
  const per = Math.ceil(tokens.length / urls.length);
  for (const [n, url] of urls.entries()) {
    const { sockets, joinErrors: e } = await connectClients(url, tokens.slice(n * per, (n + 1) * per), roomId, `${name} node ${n + 1}`, () => presenceEvents++);
    all.push(...sockets);
    joinErrors += e;
  }
  const connectSeconds = (performance.now() - t0) / 1000;
  // Let the presence events of the joins settle.
  await sleep(2_000);
  process.stdout.write(`${connectSeconds.toFixed(1)} s, ${presenceEvents} presence events; `);

  const latencies: number[] = [];
  const seen = new Map<number, number>(); // seq -> receipts
  let received = 0;
  let duplicates = 0;
  let lastReceipt = 0;
  const prefix = `bench ${tag} `;
  all.forEach((s) => {
    const got = new Set<number>();
    s.on('message:new', (m: { text: string }) => {
      const now = performance.now();
      if (!m.text.startsWith(prefix)) return;
      const [seqStr, tStr] = m.text.slice(prefix.length).split(' ');
      const seq = Number(seqStr);
      if (got.has(seq)) {
        duplicates++;
        return;
      }
      got.add(seq);
      received++;
      lastReceipt = now;
      seen.set(seq, (seen.get(seq) ?? 0) + 1);
      latencies.push(now - Number(tStr));
    });
  });

  // Senders: spread over the nodes (every per-th socket belongs to the next node).
  const senders: Socket[] = Array.from({ length: SENDERS }, (_, i) => all[Math.floor((i * all.length) / SENDERS)]);
  const total = Math.round(RATE * SEND_SECONDS);
  const interval = (1000 * SENDERS) / RATE; // each sender's period
  const ackTimes: number[] = [];
  const sendErrors: Record<string, number> = {};
  let acked = 0;
  let sent = 0;
  process.stdout.write(`sending ${total} messages at ${RATE}/s from ${SENDERS} sockets... `);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  await new Promise<void>((done) => {
    let seq = 0;
    senders.forEach((sender, i) =>
      setTimeout(() => {
        const tick = () => {
          if (seq >= total) return;
          const mySeq = seq++;
          const t = performance.now();
          sent++;
          pending.push(
            sender
              .timeout(15_000)
              .emitWithAck('message:send', { roomId, text: `${prefix}${mySeq} ${t.toFixed(3)}`, clientMessageId: randomUUID() })
              .then((a: { ok: boolean; error?: { code?: string; status?: number } }) => {
                if (a.ok) {
                  acked++;
                  ackTimes.push(performance.now() - t);
                } else {
                  const k = `${a.error?.status} ${a.error?.code}`;
                  sendErrors[k] = (sendErrors[k] ?? 0) + 1;
                }
              })
              .catch((err: unknown) => {
                const k = String(err).slice(0, 60);
                sendErrors[k] = (sendErrors[k] ?? 0) + 1;
              }),
          );
          if (seq >= total) done();
        };
        tick();
        const h = setInterval(() => {
          if (seq >= total) return clearInterval(h);
          tick();
        }, interval);
      }, (i * interval) / SENDERS),
    );
  });
  await Promise.all(pending);
  const expectedDeliveries = acked * all.length;
  const drainUntil = performance.now() + DRAIN_MS;
  while (received < expectedDeliveries && performance.now() < drainUntil) await sleep(50);
  await sleep(300); // late duplicates
  const seconds = ((lastReceipt || performance.now()) - start) / 1000;
  for (const s of all) s.disconnect();
  latencies.sort((a, b) => a - b);
  ackTimes.sort((a, b) => a - b);
  const r: Result = {
    name,
    clients: all.length,
    sent,
    acked,
    sendErrors,
    expected: expectedDeliveries,
    received,
    lost: expectedDeliveries - received,
    duplicates,
    seconds,
    deliveriesPerSecond: received / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    ackP50: percentile(ackTimes, 50),
    connectSeconds,
    joinErrors,
    presenceEvents,
  };
  process.stdout.write(`${Math.round(r.deliveriesPerSecond)} deliveries/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms\n`);
  if (r.lost || r.joinErrors || Object.keys(r.sendErrors).length || r.duplicates)
    console.log(`  !! ${name}: lost ${r.lost}, duplicates ${r.duplicates}, join errors ${r.joinErrors}, send errors ${JSON.stringify(r.sendErrors)}`);
  return r;
}

interface BenchUser {
  id: string;
  /** An API key of the user (`ck_...`). */
  key: string;
}

/** A JSON request to the app's API as `token`; throws unless the status is `expect`. */
async function api(url: string, token: string, method: string, path: string, body: unknown, expect: number): Promise<{ id?: string }> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as { id?: string }) : {};
}

async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/**
 * `count` members of the default tenant made with `POST /users` (each password is hashed with
 * Argon2id, so this takes a while), each with an API key written straight into `api_keys` (as
 * `POST /me/api-keys` stores it: SHA-256 and prefix), which spares a login per user.
 */
async function makeUsers(url: string, adminToken: string, databaseUrl: string, count: number): Promise<BenchUser[]> {
  const t0 = performance.now();
  process.stdout.write(`  making ${count} users with API keys... `);
  const tag = randomBytes(3).toString('hex');
  const users: BenchUser[] = [];
  await inParallel(Array.from({ length: count }, (_, i) => i), 4, async (i) => {
    const name = `bench-${tag}-${i}`;
    const created = await api(url, adminToken, 'POST', '/users', { email: `${name}@example.com`, username: name, password: `Bench-password-${tag}` }, 201);
    users[i] = { id: created.id!, key: `ck_${randomBytes(30).toString('base64url')}` };
  });
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    for (const u of users) {
      await pg.query(`INSERT INTO api_keys (user_id, tenant_id, name, prefix, key_hash, scope) SELECT id, tenant_id, 'bench', $2, $3, 'write' FROM users WHERE id = $1`, [
        u.id,
        u.key.slice(0, 11),
        createHash('sha256').update(u.key, 'utf8').digest('hex'),
      ]);
    }
  } finally {
    await pg.end();
  }
  console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return users;
}

async function main(): Promise<void> {
  const started = new Date();
  console.log(`Socket.IO room fan-out, ${started.toISOString()}`);
  console.log(
    `node ${process.version}, ${cpus().length} CPUs; ${CLIENTS} clients IN THIS PROCESS (they share the CPUs with the servers), servers as child processes, loopback only`,
  );
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const tmp = mkdtempSync(join(tmpdir(), 'bench-fanout-'));
  const prefix = `bench_${randomBytes(6).toString('hex')}:`;
  const running: Server[] = [];
  const results: Result[] = [];
  let db: Awaited<ReturnType<typeof createBenchDatabase>> | undefined;
  const stopAll = async () => {
    await Promise.all(running.splice(0).map((s) => stopChild(s).catch(() => undefined)));
  };
  const cleanUp = async () => {
    await stopAll();
    await db?.drop();
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } catch (err) {
      console.error(`could not clean Redis keys ${prefix}*: ${String(err)}`);
    } finally {
      redis.disconnect();
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void cleanUp().finally(() => process.exit(143)));

  try {
    db = await createBenchDatabase();
    let users: BenchUser[] | undefined; // made once, on the first app target, for both
    /** A room of the admin with every bench user in it; the credentials of the clients. */
    const prepare = async (url: string, roomName: string): Promise<{ roomId: string; tokens: string[] }> => {
      const token = await login(url);
      const roomId = await createRoom(url, token, roomName);
      if (!DISTINCT_USERS) return { roomId, tokens: Array<string>(CLIENTS).fill(token) };
      users ??= await makeUsers(url, token, db!.url, CLIENTS);
      await inParallel(users, 8, (u) => api(url, token, 'POST', `/rooms/${roomId}/members`, { userId: u.id, role: 'MEMBER' }, 201));
      return { roomId, tokens: users.map((u) => u.key) };
    };
    if (TARGETS.has('app-1')) {
      const a = await startChild('app, 1 node', APP_MAIN, appEnv(join(tmp, 'a'), db.url));
      running.push(a);
      const { roomId, tokens } = await prepare(a.url, 'fanout 1 node');
      results.push(await run('app, 1 node (PostgreSQL)', [a.url], tokens, roomId));
      await stopAll();
    }
    if (TARGETS.has('app-2')) {
      const env = (d: string) => appEnv(join(tmp, d), db!.url, { REDIS_URL, REDIS_KEY_PREFIX: prefix });
      // One after the other: the first one migrates the database.
      const n1 = await startChild('app, node 1', APP_MAIN, env('n1'));
      running.push(n1);
      const n2 = await startChild('app, node 2', APP_MAIN, env('n2'));
      running.push(n2);
      const { roomId, tokens } = await prepare(n1.url, 'fanout 2 nodes');
      results.push(await run('app, 2 nodes + Redis (PostgreSQL)', [n1.url, n2.url], tokens, roomId));
      await stopAll();
    }
    if (TARGETS.has('bare')) {
      const b = await startChild('bare socket.io', BARE_MAIN, {});
      running.push(b);
      results.push(await run('bare socket.io 4', [b.url], Array<string>(CLIENTS).fill('none'), randomUUID()));
      await stopAll();
    }
  } catch (err) {
    for (const s of running) console.log(`--- log of ${s.name} (tail):\n${s.log().split('\n').slice(-30).join('\n')}`);
    throw err;
  } finally {
    await cleanUp();
  }

  console.log('');
  const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  printTable(
    ['server', 'clients', 'msgs sent', 'acked', 'deliveries', 'expected', 'lost', 'seconds', 'deliveries/s', 'p50 ms', 'p99 ms', 'max ms', 'ack p50 ms', 'connect+join s', 'presence events'],
    results.map((r) => [
      r.name,
      String(r.clients),
      String(r.sent),
      String(r.acked),
      String(r.received),
      String(r.expected),
      String(r.lost),
      f(r.seconds, 2),
      f(r.deliveriesPerSecond),
      f(r.p50, 1),
      f(r.p99, 1),
      f(r.max, 1),
      f(r.ackP50, 1),
      f(r.connectSeconds, 1),
      String(r.presenceEvents),
    ]),
  );
  const bare = results.find((r) => r.name.startsWith('bare'));
  console.log('');
  for (const r of results.filter((x) => x !== bare)) {
    if (!bare) break;
    console.log(
      `${r.name} / bare: deliveries/s ${(r.deliveriesPerSecond / bare.deliveriesPerSecond).toFixed(2)}, p50 latency ${(r.p50 / bare.p50).toFixed(1)}x, p99 latency ${(r.p99 / bare.p99).toFixed(1)}x`,
    );
  }
  console.log(
    `(deliveries/s: message:new receipts by the ${CLIENTS} clients / seconds from the first send to the last receipt; the offered load is ${RATE} msg/s x ${CLIENTS} = ${RATE * CLIENTS}/s, so a server that keeps up shows about that)`,
  );
  console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ date: started.toISOString(), node: process.version, clients: CLIENTS, senders: SENDERS, rate: RATE, sendSeconds: SEND_SECONDS, results }, null, 2));
  const failed = results.some((r) => r.lost > 0 || r.joinErrors > 0 || r.duplicates > 0 || Object.keys(r.sendErrors).length > 0);
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
