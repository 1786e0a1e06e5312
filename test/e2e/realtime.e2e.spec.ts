import { Socket, io } from 'socket.io-client';
import { LiveNamespace } from '../../src/realtime/live-namespace';
import { userRoom } from '../../src/realtime/realtime.constants';
import { RealtimeService } from '../../src/realtime/realtime.service';
import type { Ack, AckError, PongData, TransportClientEvents, TransportServerEvents } from '../../src/realtime/socket.types';
import { ROOMS_NAMESPACE, RoomsClientEvents, RoomsServerEvents, roomChannel } from '../../src/rooms/live/rooms-live.types';
import { RunningServer, startServer } from '../../src/server';
import { adminUser, newRoom, newTenant, newUser } from '../helpers/factory';
import { http } from '../helpers/http';
import { disconnected, eventually } from '../helpers/live-client';
import { TestApp, startTestApp } from '../helpers/test-app';
import { testConfig } from '../helpers/test-env';

type ServerToClientEvents = RoomsServerEvents & TransportServerEvents;
type Client = Socket<ServerToClientEvents, RoomsClientEvents & TransportClientEvents>;
type MessagePayload = Parameters<RoomsServerEvents['message:new']>[0];

/** The transport's view of the `/rooms` namespace of a running server. */
const live = (server: { app: { get: TestApp['app']['get'] } }): LiveNamespace<RoomsServerEvents> =>
  server.app.get(RealtimeService).namespace<RoomsServerEvents>(ROOMS_NAMESPACE);

const withRedis = process.env.REDIS_URL ? describe : describe.skip;

/** A `message:new` payload for the foundation's own emits (the rooms gateway sends stored messages). */
const message = (roomId: string, id: string, authorId: string, text: string): MessagePayload => ({
  roomId, id, authorId, kind: 'user', botName: null, text, clientMessageId: null, deleted: false, createdAt: '2026-01-01T00:00:00.000Z', editedAt: null, deletedAt: null,
});
const clients: Client[] = [];

interface Handshake {
  token?: string;
  headers?: Record<string, string | undefined>;
}

interface Resume {
  pid: string;
  offset: string;
}

function client(url: string, handshake: Handshake = {}, resume?: Resume): Client {
  const socket: Client = io(`${url}${ROOMS_NAMESPACE}`, {
    autoConnect: !resume,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(handshake.token !== undefined && { auth: { token: handshake.token } }),
    ...(handshake.headers && { extraHeaders: handshake.headers as Record<string, string> }),
  });
  clients.push(socket);
  if (resume) {
    // What socket.io-client itself keeps across a reconnection (a new client instance stands for "another node").
    Object.assign(socket as unknown as { _pid?: string; _lastOffset?: string }, { _pid: resume.pid, _lastOffset: resume.offset });
    socket.connect();
  }
  return socket;
}

/** Connects; resolves with the socket, or rejects with the connect_error. */
async function connect(url: string, handshake: Handshake = {}): Promise<Client> {
  const socket = client(url, handshake);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** The connect_error of a refused handshake. */
async function refusal(url: string, handshake: Handshake = {}): Promise<Error & { data?: AckError }> {
  const socket = client(url, handshake);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('the handshake was accepted')));
    socket.once('connect_error', (err) => resolve(err as Error & { data?: AckError }));
  });
}

/** Sends `ping` (with no payload at all when none is given) and resolves with its ack. */
async function ping(socket: Client, ...payload: unknown[]): Promise<Ack<PongData>> {
  const emit = socket.timeout(5000).emitWithAck as (event: string, ...args: unknown[]) => Promise<unknown>;
  return (await emit.call(socket.timeout(5000), 'ping', ...payload)) as Ack<PongData>;
}

function nextEvent<E extends keyof ServerToClientEvents>(socket: Client, event: E, timeoutMs = 5000): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${String(event)} within ${timeoutMs} ms`)), timeoutMs);
    (socket.once as (event: string, listener: (payload: never) => void) => void)(event as string, (payload: never) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/**
 * Simulates a dropped network: closes the transport (a recoverable disconnect for the server), waits until
 * the server let go of the socket, and returns what socket.io-client would send to resume.
 */
async function dropConnection(socket: Client, server: { app: { get: TestApp['app']['get'] } }, userId: string): Promise<Resume> {
  const state = socket as unknown as { _pid?: string; _lastOffset?: string };
  const resume = { pid: state._pid!, offset: state._lastOffset! };
  expect(resume.pid).toEqual(expect.any(String));
  expect(resume.offset).toEqual(expect.any(String));
  const drop = disconnected(socket);
  socket.io.engine.close(); // the server sees "transport close", which it keeps the session for
  expect(await drop).toBe('forced close');
  await eventually(async () => (await live(server).nsp.local.in(userRoom(userId)).fetchSockets()).length === 0);
  return resume;
}

afterEach(() => {
  for (const socket of clients.splice(0)) socket.disconnect();
});

describe('Socket.IO /rooms (single node)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('handshake authentication', () => {
    it('accepts an access token in auth.token and answers ping with the user', async () => {
      const user = await newUser(app);
      const socket = await connect(app.url, { token: user.accessToken });
      expect(await ping(socket)).toEqual({ ok: true, data: { pong: true, userId: user.id } });
      expect(await ping(socket, { nonce: 'n-1' })).toEqual({ ok: true, data: { pong: true, userId: user.id, nonce: 'n-1' } });
      // /metrics counts this node's sockets and the nodes of the cluster.
      const metrics = (await http.get(`${app.url}/metrics`)).text;
      expect(Number(/^socketio_connected_sockets (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
      expect(metrics).toMatch(/^socketio_cluster_nodes \d+$/m);
    });

    it('accepts Authorization: Bearer, an API key in auth.token and an X-API-Key header', async () => {
      const user = await newUser(app);
      const key = (await http.post(app.api('/me/api-keys'), { name: 'socket' }, { token: user.accessToken })).body.key as string;
      for (const handshake of [{ headers: { authorization: `Bearer ${user.accessToken}` } }, { token: key }, { headers: { 'x-api-key': key } }]) {
        const socket = await connect(app.url, handshake);
        expect(await ping(socket)).toEqual({ ok: true, data: { pong: true, userId: user.id } });
      }
    });

    it('refuses no credential, garbage and a tampered JWT with a 401 problem in connect_error.data', async () => {
      const user = await newUser(app);
      const [header, payload, signature] = user.accessToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const tampered = [header, Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url'), signature].join('.');

      const none = await refusal(app.url);
      expect(none.data).toEqual({ status: 401, code: 'unauthorized', detail: expect.any(String) });
      for (const token of ['garbage', tampered, `${user.accessToken.slice(0, -2)}xx`]) {
        const err = await refusal(app.url, { token });
        expect(err.message).toMatch(/access token/i);
        expect(err.data).toEqual({ status: 401, code: 'invalid-token', detail: expect.any(String) });
      }
      expect((await refusal(app.url, { headers: { authorization: 'Bearer nope' } })).data?.code).toBe('invalid-token');
    });

    it('refuses a revoked API key', async () => {
      const user = await newUser(app);
      const { key, id } = (await http.post(app.api('/me/api-keys'), { name: 'gone' }, { token: user.accessToken })).body as { key: string; id: string };
      expect((await http.delete(app.api(`/me/api-keys/${id}`), { token: user.accessToken })).status).toBe(204);
      expect((await refusal(app.url, { token: key })).data).toMatchObject({ status: 401, code: 'invalid-api-key' });
      expect((await refusal(app.url, { headers: { 'x-api-key': key } })).data).toMatchObject({ status: 401, code: 'invalid-api-key' });
    });

    it('refuses a blocked user, with token and API key', async () => {
      const admin = await adminUser(app);
      const user = await newUser(app);
      const key = (await http.post(app.api('/me/api-keys'), { name: 'k' }, { token: user.accessToken })).body.key as string;
      expect((await http.post(app.api(`/users/${user.id}/block`), { reason: 'spam' }, { token: admin.accessToken })).status).toBe(200);
      expect((await refusal(app.url, { token: user.accessToken })).data).toMatchObject({ status: 401, code: 'account-blocked' });
      expect((await refusal(app.url, { token: key })).data).toMatchObject({ status: 401, code: 'account-blocked' });
    });

    it('refuses a token after logout-all', async () => {
      const user = await newUser(app);
      await connect(app.url, { token: user.accessToken });
      expect((await http.post(app.api('/auth/logout-all'), undefined, { token: user.accessToken })).status).toBe(204);
      expect((await refusal(app.url, { token: user.accessToken })).data).toMatchObject({ status: 401, code: 'token-revoked' });
    });
  });

  describe('state changes drop live sockets at once', () => {
    it('blocking, disabling or deleting a user, logout-all, logout, revoking an API key and disabling the tenant', async () => {
      const admin = await adminUser(app);
      const t = { token: admin.accessToken };
      const cases: Array<[string, (u: Awaited<ReturnType<typeof newUser>>) => Promise<unknown>, string]> = [
        ['block', (u) => http.post(app.api(`/users/${u.id}/block`), {}, t), 'account-blocked'],
        ['disable', (u) => http.put(app.api(`/users/${u.id}/disabled`), { disabled: true }, t), 'account-disabled'],
        ['delete', (u) => http.delete(app.api(`/users/${u.id}`), t), 'account-deleted'],
        ['logout-all', (u) => http.post(app.api('/auth/logout-all'), undefined, { token: u.accessToken }), 'token-revoked'],
        ['logout', (u) => http.post(app.api('/auth/logout'), { refreshToken: u.refreshToken }, { token: u.accessToken }), 'session-ended'],
      ];
      for (const [name, act, code] of cases) {
        const user = await newUser(app);
        const socket = await connect(app.url, { token: user.accessToken });
        const ended = nextEvent(socket, 'session:ended');
        const drop = disconnected(socket);
        await act(user);
        expect({ name, ended: (await ended).code, reason: await drop }).toEqual({ name, ended: code, reason: 'io server disconnect' });
      }

      const keyOwner = await newUser(app);
      const key = await http.post(app.api('/me/api-keys'), { name: 'socket' }, { token: keyOwner.accessToken });
      const keySocket = await connect(app.url, { token: key.body.key });
      const keyDrop = disconnected(keySocket);
      await http.delete(app.api(`/me/api-keys/${key.body.id}`), { token: keyOwner.accessToken });
      expect(await keyDrop).toBe('io server disconnect');

      const tenant = await newTenant(app);
      const tenantUser = await newUser(app, { tenantId: tenant.id });
      const tenantSocket = await connect(app.url, { token: tenantUser.accessToken });
      const tenantDrop = disconnected(tenantSocket);
      await http.patch(app.api(`/tenants/${tenant.id}`), { disabled: true }, t);
      expect(await tenantDrop).toBe('io server disconnect');
    });
  });

  describe('RealtimeService', () => {
    it('disconnectUser drops every socket of the user, tells them why, and leaves others connected', async () => {
      const user = await newUser(app);
      const other = await newUser(app);
      const first = await connect(app.url, { token: user.accessToken });
      const second = await connect(app.url, { token: user.accessToken });
      const bystander = await connect(app.url, { token: other.accessToken });
      const ended = nextEvent(first, 'session:ended');
      const drops = [disconnected(first), disconnected(second)];

      app.app.get(RealtimeService).disconnectUser(user.id, { code: 'account-blocked', detail: 'The account is blocked.' });

      expect(await ended).toEqual({ code: 'account-blocked', detail: 'The account is blocked.' });
      expect(await Promise.all(drops)).toEqual(['io server disconnect', 'io server disconnect']);
      expect(await ping(bystander)).toMatchObject({ ok: true });
    });

    it('disconnectSession drops only the sockets of that session', async () => {
      const user = await newUser(app);
      const otherDevice = await http.post(app.api('/auth/login'), { login: user.username, password: user.password });
      const a = await connect(app.url, { token: user.accessToken });
      const b = await connect(app.url, { token: otherDevice.body.accessToken });
      const sessionId = JSON.parse(Buffer.from(user.accessToken.split('.')[1], 'base64url').toString()).sid as string;
      const drop = disconnected(a);
      app.app.get(RealtimeService).disconnectSession(sessionId);
      expect(await drop).toBe('io server disconnect');
      expect(await ping(b)).toMatchObject({ ok: true });
    });

    it('disconnectApiKey drops only the sockets of that key', async () => {
      const user = await newUser(app);
      const { key, id } = (await http.post(app.api('/me/api-keys'), { name: 'bot' }, { token: user.accessToken })).body as { key: string; id: string };
      const viaKey = await connect(app.url, { headers: { 'x-api-key': key } });
      const viaToken = await connect(app.url, { token: user.accessToken });
      const ended = nextEvent(viaKey, 'session:ended');
      const drop = disconnected(viaKey);
      app.app.get(RealtimeService).disconnectApiKey(id);
      expect(await ended).toEqual({ code: 'api-key-revoked', detail: expect.any(String) });
      expect(await drop).toBe('io server disconnect');
      expect(await ping(viaToken)).toMatchObject({ ok: true });
    });

    it('disconnectTenant drops the sockets of that tenant only', async () => {
      const tenant = await newTenant(app);
      const inside = await newUser(app, { tenantId: tenant.id });
      const outside = await newUser(app);
      const a = await connect(app.url, { token: inside.accessToken });
      const b = await connect(app.url, { token: outside.accessToken });
      const drop = disconnected(a);
      app.app.get(RealtimeService).disconnectTenant(tenant.id);
      expect(await drop).toBe('io server disconnect');
      expect(await ping(b)).toMatchObject({ ok: true });
    });

    it('emit to a channel and emitToUser reach the sockets in it', async () => {
      const user = await newUser(app);
      const socket = await connect(app.url, { token: user.accessToken });
      const rooms = live(app);
      rooms.join(userRoom(user.id), roomChannel('r-1'));
      await eventually(async () => (await rooms.sockets(roomChannel('r-1'))).length === 1);
      const heard = nextEvent(socket, 'message:new');
      rooms.emit(roomChannel('r-1'), 'message:new', message('r-1', 'm-1', user.id, 'hi'));
      expect(await heard).toMatchObject({ id: 'm-1', text: 'hi' });

      const typing = nextEvent(socket, 'typing');
      rooms.emitToUser(user.id, 'typing', { roomId: 'r-1', userId: user.id });
      expect(await typing).toEqual({ roomId: 'r-1', userId: user.id });
      expect((await rooms.sockets(userRoom(user.id))).map((s) => s.data.principal.userId)).toEqual([user.id]);
    });
  });

  it('shuts down promptly with sockets connected; they see the transport close', async () => {
    const other = await startTestApp();
    const user = await newUser(other);
    const socket = await connect(other.url, { token: user.accessToken });
    const drop = disconnected(socket);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await drop).toBe('transport close');
  });

  describe('connection state recovery', () => {
    it('gives a client that comes back within two minutes the events it missed, and re-checks its credential', async () => {
      const user = await newUser(app);
      // A room the user may be in: a recovered socket gets back only the rooms it may still be in.
      const { id: roomId } = await newRoom(app, user);
      const rooms = live(app);
      const socket = await connect(app.url, { token: user.accessToken });
      rooms.join(userRoom(user.id), roomChannel(roomId));
      await eventually(async () => (await rooms.sockets(roomChannel(roomId))).length === 1);
      const first = nextEvent(socket, 'typing');
      rooms.emit(roomChannel(roomId), 'typing', { roomId, userId: user.id });
      await first;

      const resume = await dropConnection(socket, app, user.id);
      rooms.emit(roomChannel(roomId), 'message:new', message(roomId, 'missed-1', user.id, 'while away'));

      const back = client(app.url, { token: user.accessToken }, resume);
      const missed = nextEvent(back, 'message:new');
      await new Promise<void>((resolve, reject) => {
        back.once('connect', () => resolve());
        back.once('connect_error', reject);
      });
      expect(back.recovered).toBe(true);
      expect(await missed).toMatchObject({ id: 'missed-1' });

      // Recovery does not skip authentication: after logout-all the same resume is refused.
      const resume2 = await dropConnection(back, app, user.id);
      expect((await http.post(app.api('/auth/logout-all'), undefined, { token: user.accessToken })).status).toBe(204);
      const refused = client(app.url, { token: user.accessToken }, resume2);
      const err = await new Promise<Error & { data?: AckError }>((resolve, reject) => {
        refused.once('connect', () => reject(new Error('the handshake was accepted')));
        refused.once('connect_error', resolve);
      });
      expect(err.data).toMatchObject({ status: 401, code: 'token-revoked' });
    });
  });

  describe('acknowledgements and limits', () => {
    it('answers a malformed ping payload with an error ack and stays connected', async () => {
      const user = await newUser(app);
      const socket = await connect(app.url, { token: user.accessToken });
      expect(await ping(socket, 'a string')).toEqual({ ok: false, error: { status: 400, code: 'invalid-payload', detail: expect.any(String) } });
      expect(await ping(socket, [1, 2])).toMatchObject({ ok: false, error: { status: 400, code: 'invalid-payload' } });
      // A function is not serialisable: the server receives null (an explicit null is not "no payload").
      expect(await ping(socket, null)).toMatchObject({ ok: false, error: { status: 400, code: 'invalid-payload' } });
      expect(await ping(socket, () => undefined)).toMatchObject({ ok: false, error: { status: 400, code: 'invalid-payload' } });
      const huge = await ping(socket, { nonce: 'x'.repeat(32 * 1024) });
      expect(huge).toMatchObject({ ok: false, error: { status: 400, code: 'validation-failed', errors: [expect.objectContaining({ field: 'nonce', code: 'maxLength' })] } });
      expect(await ping(socket, { nonce: 'n', extra: true })).toMatchObject({ ok: false, error: { code: 'validation-failed', errors: [expect.objectContaining({ field: 'extra' })] } });
      expect(socket.connected).toBe(true);
      expect(await ping(socket)).toMatchObject({ ok: true });
    });

    it('closes a connection whose frame exceeds 64 KiB', async () => {
      const user = await newUser(app);
      const socket = await connect(app.url, { token: user.accessToken });
      const drop = disconnected(socket);
      socket.emit('ping', { nonce: 'x'.repeat(70 * 1024) } as never, () => undefined);
      expect(await drop).toBe('transport close');
    });

    it('answers a flood with 429 acks and keeps the socket connected', async () => {
      const user = await newUser(app);
      const socket = await connect(app.url, { token: user.accessToken });
      const answers = await Promise.all(Array.from({ length: 30 }, () => ping(socket)));
      const limited = answers.filter((a) => !a.ok);
      expect(answers.filter((a) => a.ok).length).toBeGreaterThanOrEqual(10);
      expect(limited.length).toBeGreaterThan(0);
      expect(limited[0]).toEqual({ ok: false, error: { status: 429, code: 'too-many-requests', detail: expect.any(String) } });
      expect(socket.connected).toBe(true);
      // Another socket of the same user has its own bucket.
      const fresh = await connect(app.url, { token: user.accessToken });
      expect(await ping(fresh)).toMatchObject({ ok: true });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await ping(socket)).toMatchObject({ ok: true });
    });
  });
});

withRedis('Socket.IO /rooms across nodes (REDIS_URL)', () => {
  let a: TestApp;
  let b: RunningServer;

  beforeAll(async () => {
    const prefix = `test-sio-${process.pid}-${Date.now()}:`;
    a = await startTestApp({ REDIS_KEY_PREFIX: prefix });
    b = await startServer(testConfig({ DATABASE_URL: a.database.url, REDIS_KEY_PREFIX: prefix }));
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('an emit on node A reaches a client connected to node B', async () => {
    const user = await newUser(a);
    const onB = await connect(b.url, { token: user.accessToken });
    const roomsA = live(a);
    roomsA.join(userRoom(user.id), roomChannel('shared'));
    await eventually(async () => (await live(b).nsp.local.in(roomChannel('shared')).fetchSockets()).length === 1);
    const received = nextEvent(onB, 'message:new');
    roomsA.emit(roomChannel('shared'), 'message:new', message('shared', 'm-x', user.id, 'across'));
    expect(await received).toMatchObject({ id: 'm-x', text: 'across' });
    await eventually(() => a.app.get(RealtimeService).clusterNodes === 2, 5000);
  });

  it('a client dropped from node A resumes on node B and gets what it missed', async () => {
    const user = await newUser(a);
    const { id: roomId } = await newRoom(a, user);
    const onA = await connect(a.url, { token: user.accessToken });
    const roomsA = live(a);
    roomsA.join(userRoom(user.id), roomChannel(roomId));
    await eventually(async () => (await roomsA.nsp.local.in(roomChannel(roomId)).fetchSockets()).length === 1);
    const first = nextEvent(onA, 'typing');
    roomsA.emit(roomChannel(roomId), 'typing', { roomId, userId: user.id });
    await first;

    const resume = await dropConnection(onA, a, user.id);
    roomsA.emit(roomChannel(roomId), 'message:new', message(roomId, 'missed-x', user.id, 'while away'));

    const onB = client(b.url, { token: user.accessToken }, resume);
    const missed = nextEvent(onB, 'message:new');
    await new Promise<void>((resolve, reject) => {
      onB.once('connect', () => resolve());
      onB.once('connect_error', reject);
    });
    expect(onB.recovered).toBe(true);
    expect(await missed).toMatchObject({ id: 'missed-x' });
  });

  it('disconnectUser on node A drops a socket connected to node B', async () => {
    const user = await newUser(a);
    const onB = await connect(b.url, { token: user.accessToken });
    expect(await ping(onB)).toMatchObject({ ok: true });
    const drop = disconnected(onB);
    a.app.get(RealtimeService).disconnectUser(user.id);
    expect(await drop).toBe('io server disconnect');
  });
});
