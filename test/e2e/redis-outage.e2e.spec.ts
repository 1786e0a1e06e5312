import { Logger } from '@nestjs/common';
import { Socket, io } from 'socket.io-client';
import type { Ack, ResyncPayload } from '../../src/realtime/socket.types';
import { ROOMS_NAMESPACE, RoomsServerEvents } from '../../src/rooms/live/rooms-live.types';
import type { RoomMessageDto } from '../../src/rooms/messages/room-message.dto';
import { RunningServer, startServer } from '../../src/server';
import { ADMIN_PASSWORD, TestUser, login, newRoom, newUser } from '../helpers/factory';
import { http } from '../helpers/http';
import { TcpProxy, startTcpProxy } from '../helpers/tcp-proxy';
import { TestApp, startTestApp } from '../helpers/test-app';
import { testConfig } from '../helpers/test-env';

/**
 * Redis is not a single point of failure: two nodes reach Redis through a TCP proxy that the test
 * cuts and restores (the shared Redis itself keeps running). Needs REDIS_URL.
 */

const withRedis = process.env.REDIS_URL ? describe : describe.skip;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests per route and address per window on both nodes: small, so that the test can reach it. */
const LIMIT = 20;

/** Polls `probe` until it holds; fails after `timeoutMs`. Resolves with the time it took. */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started <= timeoutMs) {
    if (await probe()) return Date.now() - started;
    await sleep(25);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

/** The value of an unlabelled metric, or of one with these exact labels (`limiter="http"`). */
async function metric(url: string, name: string, labels = ''): Promise<number> {
  const text = (await http.get(`${url}/metrics`)).text;
  const line = text.split('\n').find((l) => l.startsWith(labels ? `${name}{${labels}} ` : `${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

async function redisHealth(url: string): Promise<string | undefined> {
  return (await http.get(`${url}/health/ready`)).body?.details?.redis?.status;
}

/** `count` GET /me on a node, one after the other: their statuses and the slowest answer. */
async function getMe(url: string, user: TestUser, count: number): Promise<{ statuses: number[]; slowestMs: number }> {
  const statuses: number[] = [];
  let slowestMs = 0;
  for (let i = 0; i < count; i++) {
    const started = Date.now();
    statuses.push((await http.get(`${url}/api/v1/me`, { token: user.accessToken })).status);
    slowestMs = Math.max(slowestMs, Date.now() - started);
  }
  return { statuses, slowestMs };
}

const times = (status: number, count: number) => Array<number>(count).fill(status);

type Client = Socket<RoomsServerEvents & { resync: (payload: ResyncPayload) => void }>;
const clients: Client[] = [];

async function connect(url: string, user: TestUser): Promise<Client> {
  const socket: Client = io(`${url}${ROOMS_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: user.accessToken } });
  clients.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

async function joinRoom(socket: Client, roomId: string): Promise<void> {
  const timed = socket.timeout(5000);
  const ack = (await (timed.emitWithAck as (event: string, ...args: unknown[]) => Promise<unknown>).call(timed, 'room:join', { roomId })) as Ack<{ status: string }>;
  expect(ack).toMatchObject({ ok: true, data: { status: 'joined' } });
}

/** Resolves with when the first `message:new` with this text reaches a socket; rejects after `timeoutMs`. */
function messageArrives(socket: Client, text: string, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`"${text}" did not arrive within ${timeoutMs} ms`)), timeoutMs);
    socket.on('message:new', (message) => {
      if (message.text !== text) return;
      clearTimeout(timer);
      resolve(Date.now());
    });
  });
}

withRedis('a Redis outage (REDIS_URL, through a TCP proxy)', () => {
  let proxy: TcpProxy;
  let a: TestApp;
  let b: RunningServer;

  beforeAll(async () => {
    proxy = await startTcpProxy(process.env.REDIS_URL as string);
    const shared = { REDIS_URL: proxy.url, REDIS_KEY_PREFIX: `test-outage-${process.pid}-${Date.now()}:`, RATE_LIMIT_MAX: LIMIT };
    a = await startTestApp(shared);
    b = await startServer(testConfig({ ...shared, DATABASE_URL: a.database.url }));
  });
  afterEach(() => {
    for (const socket of clients.splice(0)) socket.disconnect();
    proxy.restore();
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await proxy?.close();
  });

  it('serves HTTP at once with per-node rate limits while Redis is away, logs it once, and shares the limits again after', async () => {
    const user = await newUser(a);
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const limiterWarnings = () => warn.mock.calls.filter(([entry]) => /HTTP rate limits are counted per node/.test((entry as { msg?: string }).msg ?? '')).length;

    proxy.cut();
    await until('node A sees Redis down', async () => (await redisHealth(a.url)) === 'down');
    const ready = await http.get(`${a.url}/health/ready`);
    expect(ready.status).toBe(200); // still serving: degraded, not unready
    expect(ready.body).toMatchObject({ status: 'degraded', details: { database: { status: 'up' }, redis: { status: 'down' } }, error: { redis: { status: 'down' } } });

    // Each node counts by itself: LIMIT answers, then 429, on each; none waits for Redis.
    const onA = await getMe(a.url, user, LIMIT + 3);
    expect(onA.statuses).toEqual([...times(200, LIMIT), ...times(429, 3)]);
    expect(onA.slowestMs).toBeLessThan(1000);
    expect(limiterWarnings()).toBe(1);
    const onB = await getMe(b.url, user, LIMIT + 3);
    expect(onB.statuses).toEqual([...times(200, LIMIT), ...times(429, 3)]);
    expect(onB.slowestMs).toBeLessThan(1000);
    expect(limiterWarnings()).toBe(2); // one per node, not one per request

    expect(await metric(a.url, 'redis_up')).toBe(0);
    expect(await metric(a.url, 'rate_limit_degraded_decisions_total', 'limiter="http"')).toBeGreaterThanOrEqual(LIMIT + 3);
    // ioredis retries all along; each connection says once that it is lost: 5 per node (the shared one,
    // the Socket.IO adapter's publisher, reader and subscriber, the policy subscriber).
    await sleep(1500);
    const lost = warn.mock.calls.filter(([entry]) => /redis connection lost/.test((entry as { msg?: string }).msg ?? '')).length;
    expect(lost).toBe(10);

    proxy.restore();
    await until('node A sees Redis back', async () => (await redisHealth(a.url)) === 'up');
    await until('node B sees Redis back', async () => (await redisHealth(b.url)) === 'up');
    expect(await metric(a.url, 'redis_up')).toBe(1);
    expect((await http.get(`${a.url}/health/ready`)).body.status).toBe('ok');

    // One window for both nodes again: the per-node counts of the outage (over the limit) are not used.
    const sharedA = await getMe(a.url, user, LIMIT / 2);
    const sharedB = await getMe(b.url, user, LIMIT / 2 + 1);
    expect([...sharedA.statuses, ...sharedB.statuses]).toEqual([...times(200, LIMIT), 429]);
  });

  it('delivers on the same node at once while Redis is away, and tells the other node\'s clients to resync when it is back; policy changes do not wait', async () => {
    const owner = await newUser(a);
    const member = await newUser(a);
    const admin = await login(a, 'admin', ADMIN_PASSWORD);
    const roomId = (await newRoom(a, owner, { body: { name: 'Outage' }, members: [[member, 'MEMBER']] })).id;
    const onA = await connect(a.url, owner);
    const onB = await connect(b.url, member);
    await joinRoom(onA, roomId);
    await joinRoom(onB, roomId);
    const heardOnB = messageArrives(onB, 'before the outage');
    expect((await http.post(a.api(`/rooms/${roomId}/messages`), { text: 'before the outage' }, { token: owner.accessToken })).status).toBe(201);
    await heardOnB; // the fan-out works before the cut

    const resyncs: ResyncPayload[] = [];
    onB.on('resync', (payload) => resyncs.push(payload));
    const missedOnB: RoomMessageDto[] = [];
    onB.on('message:new', (message) => missedOnB.push(message));

    proxy.cut();
    await until('node A sees Redis down', async () => (await redisHealth(a.url)) === 'down');
    const local = messageArrives(onA, 'during the outage');
    const sentAt = Date.now();
    const posted = await http.post(a.api(`/rooms/${roomId}/messages`), { text: 'during the outage' }, { token: owner.accessToken });
    expect(posted.status).toBe(201);
    // Local delivery does not wait for the failing write to Redis (it took about 2.4 s).
    expect((await local) - sentAt).toBeLessThan(1000);
    expect(await metric(a.url, 'socketio_unpublished_broadcasts_total')).toBeGreaterThanOrEqual(1);
    // A policy change does not wait for its notification to the other nodes either.
    const policyStarted = Date.now();
    const policy = await http.post(a.api('/policies'), { subject: `user:${member.id}`, object: 'roles', action: 'read', effect: 'allow' }, { token: admin.accessToken });
    expect(policy.status).toBe(201);
    expect(Date.now() - policyStarted).toBeLessThan(1000);

    proxy.restore();
    const restoredAt = Date.now();
    // The acknowledged message reaches B's client, or B's client is told to resync: never neither.
    await until('the message or a resync on node B', async () => resyncs.length > 0 || missedOnB.some((m) => m.id === posted.body.id), 15_000);
    const recoveryMs = Date.now() - restoredAt;
    expect(resyncs).toEqual([{ code: 'redis-unavailable', detail: expect.any(String) }]);
    expect(recoveryMs).toBeLessThan(5000);
  });
});
