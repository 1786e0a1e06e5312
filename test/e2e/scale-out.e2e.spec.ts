import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Socket, io } from 'socket.io-client';
import type { Ack } from '../../src/realtime/socket.types';
import { ROOMS_NAMESPACE, PresencePayload, RoomsServerEvents } from '../../src/rooms/live/rooms-live.types';
import type { RoomMessageDto as MessagePayload } from '../../src/rooms/messages/room-message.dto';
import { http } from '../helpers/http';
import { TestDatabase, createTestDatabase } from '../helpers/test-database';

/**
 * [scale-out] Two real server processes (the built `dist/src/main.js`) on one PostgreSQL database and
 * one Redis: messages cross nodes through the Socket.IO Redis adapter, and a client whose node dies
 * (SIGKILL, no graceful shutdown) moves to the other node and catches up without losing or
 * repeating a message.
 *
 * Runs only with DATABASE_URL and REDIS_URL set and the server built: CI (.ci/run) runs
 * `npm run build` before `npm test`; locally run `npm run build` first, or the suite is skipped.
 */

const ROOT = resolve(__dirname, '../..');
const MAIN = join(ROOT, 'dist/src/main.js');
const enabled = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL && existsSync(MAIN));
const scaleOut = enabled ? describe : describe.skip;

const ADMIN_PASSWORD = 'Admin-password-for-scale-out-1';
const MEMBER_PASSWORD = 'Member-password-for-scale-out-1';
/** Messages B1 sends while node A dies, and after how many acks node A is killed. */
const BURST = 20;
const KILL_AFTER = 5;

type Client = Socket<RoomsServerEvents>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with `promise`, or rejects after `ms` naming `what`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/** A server process; `output` keeps the tail of its stdout/stderr for failure messages. */
interface Node {
  name: string;
  url: string;
  proc: ChildProcess;
  exited: Promise<void>;
  output: () => string;
}

function startNode(name: string, port: number, env: NodeJS.ProcessEnv): Node {
  const proc = spawn(process.execPath, [MAIN], { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));
  return { name, url: `http://127.0.0.1:${port}`, proc, exited, output: () => tail };
}

async function waitReady(node: Node, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (node.proc.exitCode !== null) throw new Error(`node ${node.name} exited (${node.proc.exitCode}) while starting:\n${node.output()}`);
    try {
      const res = await fetch(`${node.url}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`node ${node.name} not ready within ${timeoutMs} ms:\n${node.output()}`);
}

/** Stops a node with `signal`; SIGKILL after `graceMs` if it is still running. */
async function stopNode(node: Node | undefined, signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
  if (!node || node.proc.exitCode !== null || node.proc.signalCode !== null) return;
  node.proc.kill(signal);
  try {
    await within(node.exited, graceMs, `stopping node ${node.name}`);
  } catch {
    node.proc.kill('SIGKILL');
    await within(node.exited, 5000, `killing node ${node.name}`).catch(() => undefined);
  }
}

const clients: Client[] = [];

function open(url: string, auth: Record<string, unknown>): Client {
  const socket: Client = io(`${url}${ROOMS_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000, auth });
  clients.push(socket);
  return socket;
}

async function connected(socket: Client): Promise<Client> {
  await within(
    new Promise<void>((ok, fail) => {
      socket.once('connect', () => ok());
      socket.once('connect_error', fail);
    }),
    10_000,
    'socket connect',
  );
  return socket;
}

async function send<T = any>(socket: Client, event: string, payload: unknown, timeoutMs = 5000): Promise<Ack<T>> {
  const timed = socket.timeout(timeoutMs);
  return (await (timed.emitWithAck as (event: string, ...args: unknown[]) => Promise<unknown>).call(timed, event, payload)) as Ack<T>;
}

/** The ids of the messages a socket receives from now on, in arrival order. */
function record(socket: Client, roomId: string): string[] {
  const ids: string[] = [];
  socket.on('message:new', (m: MessagePayload) => {
    if (m.roomId === roomId) ids.push(m.id);
  });
  return ids;
}

function nextMessage(socket: Client, text: string, timeoutMs = 5000): Promise<MessagePayload> {
  return within(
    new Promise<MessagePayload>((ok) => {
      const listener = (m: MessagePayload) => {
        if (m.text !== text) return;
        socket.off('message:new', listener);
        ok(m);
      };
      socket.on('message:new', listener);
    }),
    timeoutMs,
    `message:new "${text}"`,
  );
}

/** Resolves once the node's /metrics says it counts `nodes` Socket.IO nodes. */
async function clusterOf(node: Node, nodes: number): Promise<void> {
  for (;;) {
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    if (new RegExp(`^socketio_cluster_nodes ${nodes}$`, 'm').test(metrics)) return;
    await sleep(200);
  }
}

function hasDuplicates(ids: string[]): boolean {
  return new Set(ids).size !== ids.length;
}

scaleOut('[scale-out] two server processes on one database and one Redis', () => {
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let nodeA: Node | undefined;
  let nodeB: Node | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'scale-out-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      DATABASE_MIGRATIONS_RUN: 'false', // the test database is a clone of the migrated template
      REDIS_URL: process.env.REDIS_URL,
      REDIS_KEY_PREFIX: `test-scale-out-${randomBytes(4).toString('hex')}:`,
      JWT_SECRET: `scale-out-${randomBytes(24).toString('hex')}`,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      RATE_LIMIT_MAX: '100000',
    };
    const [portA, portB] = [await freePort(), await freePort()];
    // Both at once: the admin bootstrap serialises on an advisory lock.
    nodeA = startNode('A', portA, env);
    nodeB = startNode('B', portB, env);
    await Promise.all([waitReady(nodeA), waitReady(nodeB)]);
  }, 45_000);

  afterAll(async () => {
    for (const socket of clients.splice(0)) socket.disconnect();
    await stopNode(nodeA, 'SIGKILL');
    await stopNode(nodeB, 'SIGTERM');
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('fans messages out across nodes; a client whose node is SIGKILLed moves to the other node and misses nothing', async () => {
    const a = nodeA!;
    const b = nodeB!;
    const api = (node: Node, path: string) => `${node.url}/api/v1${path}`;

    // REST on node A: the admin creates a room and a member.
    const adminLogin = await http.post(api(a, '/auth/login'), { login: 'admin', password: ADMIN_PASSWORD });
    expect(adminLogin.status).toBe(200);
    const adminToken = adminLogin.body.accessToken as string;
    const username = `scale${randomBytes(4).toString('hex')}`;
    const created = await http.post(api(a, '/users'), { email: `${username}@example.com`, username, password: MEMBER_PASSWORD }, { token: adminToken });
    expect(created.status).toBe(201);
    const room = await http.post(api(a, '/rooms'), { name: 'Scale-out', type: 'CHAT' }, { token: adminToken });
    expect(room.status).toBe(201);
    const roomId = room.body.id as string;
    expect((await http.post(api(a, `/rooms/${roomId}/members`), { userId: created.body.id, role: 'MEMBER' }, { token: adminToken })).status).toBe(201);
    const memberLogin = await http.post(api(a, '/auth/login'), { login: username, password: MEMBER_PASSWORD });
    expect(memberLogin.status).toBe(200);
    const memberToken = memberLogin.body.accessToken as string;

    // A1 (the member) on node A, B1 (the admin, owner of the room) on node B. The member is the one
    // that moves: re-joining as a plain member does not wait for the dead node's fetchSockets answer.
    const a1 = await connected(open(a.url, { token: memberToken }));
    const b1 = await connected(open(b.url, { token: adminToken }));
    expect(await send(a1, 'room:join', { roomId })).toMatchObject({ ok: true, data: { status: 'joined' } });
    expect(await send(b1, 'room:join', { roomId })).toMatchObject({ ok: true, data: { status: 'joined' } });
    const liveBefore = record(a1, roomId);

    // Cross-node both ways.
    const onA = nextMessage(a1, 'B to A');
    const first = await send<MessagePayload>(b1, 'message:send', { roomId, text: 'B to A', clientMessageId: randomUUID() });
    expect(first.ok).toBe(true);
    expect(await onA).toMatchObject({ roomId, text: 'B to A' });
    const onB = nextMessage(b1, 'A to B');
    const second = await send<MessagePayload>(a1, 'message:send', { roomId, text: 'A to B', clientMessageId: randomUUID() });
    expect(second.ok).toBe(true);
    expect(await onB).toMatchObject({ roomId, text: 'A to B' });
    const before = [first, second].map((ack) => (ack.ok ? ack.data.id : ''));

    // When A1's connection drops: remember the last message seen, move to node B with the same token
    // and the connection state recovery state (pid/offset) of the dead socket.
    const liveAfter: string[] = [];
    let lastSeen: string | undefined;
    let recovered = false;
    const moved = new Promise<Client>((ok, fail) => {
      a1.once('disconnect', () => {
        lastSeen = liveBefore.at(-1);
        const { _pid: pid, _lastOffset: offset } = a1 as unknown as { _pid?: string; _lastOffset?: string };
        const again = open(b.url, { token: memberToken, ...(pid && { pid, offset }) });
        // Listening before the connection opens: packets replayed by a recovery count as live.
        again.on('message:new', (m: MessagePayload) => {
          if (m.roomId === roomId) liveAfter.push(m.id);
        });
        connected(again)
          .then(async (socket) => {
            recovered = socket.recovered;
            // Without a recovered session the rooms are gone: join again (the dead node may make this slow).
            if (!recovered) {
              const joined = await send(socket, 'room:join', { roomId }, 15_000);
              if (!joined.ok) throw new Error(`re-join failed: ${JSON.stringify(joined)}`);
            }
            ok(socket);
          })
          .catch(fail);
      });
    });

    // Node B notices node A going (its Redis connections close) and gives the room the whole list again.
    // It counts the nodes every 2 s (socketio_cluster_nodes in /metrics): let it see A first.
    await within(clusterOf(b, 2), 10_000, 'node B counting two nodes');
    const resync = new Promise<PresencePayload>((ok) => {
      b1.on('presence', (p: PresencePayload) => {
        if (p.roomId === roomId) ok(p);
      });
    });

    const acked: string[] = [];
    for (let i = 0; i < BURST; i++) {
      const ack = await send<MessagePayload>(b1, 'message:send', { roomId, text: `burst ${i}`, clientMessageId: randomUUID() });
      if (!ack.ok) throw new Error(`message ${i} refused: ${JSON.stringify(ack)}`);
      acked.push(ack.data.id);
      if (i === KILL_AFTER - 1) a.proc.kill('SIGKILL');
      await sleep(120); // under message:send's 10 per second
    }
    await within(a.exited, 5000, 'node A exit');
    const a1b = await within(moved, 20_000, 'A1 moving to node B');
    const healed = await within(resync, 10_000, 'the presence list after node A died');
    expect(healed.users.length).toBeGreaterThanOrEqual(1);
    expect(new Set(healed.users.map((u) => u.userId)).size).toBe(healed.users.length);
    // A sentinel after the burst: once it arrives live on node B, so has every earlier live message (and any repeat of one).
    const sentinel = nextMessage(a1b, 'after the move');
    const last = await send<MessagePayload>(b1, 'message:send', { roomId, text: 'after the move', clientMessageId: randomUUID() });
    if (!last.ok) throw new Error(`the sentinel message was refused: ${JSON.stringify(last)}`);
    acked.push(last.data.id);
    await sentinel;

    // Catch up from node B: everything after the last message A1 saw on node A (oldest first).
    expect(lastSeen).toBeDefined();
    const fetched: string[] = [];
    let cursor = lastSeen;
    for (let page = 0; page < 10 && cursor; page++) {
      const res = await http.get(api(b, `/rooms/${roomId}/messages?after=${cursor}&limit=100`), { token: memberToken });
      expect(res.status).toBe(200);
      fetched.push(...(res.body.items as MessagePayload[]).map((m) => m.id));
      cursor = (res.body.nextCursor as string | null) ?? undefined;
    }

    // The live streams repeat nothing; what arrived live on node B was also fetched, in the same order.
    expect(hasDuplicates(liveBefore)).toBe(false);
    expect(hasDuplicates(liveAfter)).toBe(false);
    expect(fetched.filter((id) => liveAfter.includes(id))).toEqual(liveAfter.filter((id) => fetched.includes(id)));
    // The client's timeline: what it saw on node A, then the catch-up, then live messages not yet in it.
    const timeline = [...liveBefore, ...fetched, ...liveAfter.filter((id) => !fetched.includes(id))];
    expect(hasDuplicates(timeline)).toBe(false);
    expect(timeline).toEqual([...before, ...acked]);
    console.log(
      `[scale-out] live on A: ${liveBefore.length}, fetched from B: ${fetched.length}, live on B: ${liveAfter.length}, ` +
        `connection state recovered across nodes: ${recovered}`,
    );
  }, 60_000);
});
