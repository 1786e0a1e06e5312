import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { userRoom } from '../../src/realtime/realtime.constants';
import { RealtimeService } from '../../src/realtime/realtime.service';
import { ROOMS_NAMESPACE, roomChannel } from '../../src/rooms/live/rooms-live.types';
import { RunningServer, startServer } from '../../src/server';
import { TestUser, adminUser, newRoom, newUser } from '../helpers/factory';
import { http } from '../helpers/http';
import {
  LiveClient, Resume, client, closeClients, connect, connected, disconnected, dropTransport, eventually, nextEvent, record, refusal, send,
} from '../helpers/live-client';
import { TestApp, startTestApp } from '../helpers/test-app';
import { testConfig } from '../helpers/test-env';

/**
 * Who may stay in a live room, and for how long: connection state recovery gives back only the rooms
 * a socket may still be in; removals, policy and role changes take joined sockets out (on every
 * node); sockets end with their credential; handshakes are capped and rate limited.
 */

const withRedis = process.env.REDIS_URL ? describe : describe.skip;

/** This node's sockets of the user in the /rooms namespace. */
const localSocketsOf = (server: RunningServer, userId: string) =>
  server.app.get(RealtimeService).namespace(ROOMS_NAMESPACE).nsp.local.in(userRoom(userId)).fetchSockets();

afterEach(() => closeClients());

describe('socket security (/rooms)', () => {
  let app: TestApp;
  let admin: TestUser;
  let owner: TestUser;

  const t = (u: TestUser) => ({ token: u.accessToken });
  const roomWith = async (...members: TestUser[]): Promise<string> =>
    (await newRoom(app, owner, { body: { name: 'Live' }, members: members.map((m) => [m, 'MEMBER'] as const) })).id;
  const join = async (socket: LiveClient, roomId: string) => {
    expect(await send(socket, 'room:join', { roomId })).toMatchObject({ ok: true, data: { status: 'joined' } });
    return socket;
  };
  const post = async (roomId: string, text: string) => {
    expect((await http.post(app.api(`/rooms/${roomId}/messages`), { text }, t(owner))).status).toBe(201);
  };

  /** The member's socket in the rooms, one message received (an offset to resume from), then its connection dropped: what it resumes with. */
  const awayFrom = async (member: TestUser, ...roomIds: string[]): Promise<Resume> => {
    const socket = await connect(app.url, member.accessToken);
    for (const roomId of roomIds) await join(socket, roomId);
    const first = nextEvent(socket, 'message:new');
    await post(roomIds[0], 'before the drop');
    await first;
    const resume = await dropTransport(socket);
    await eventually(async () => (await localSocketsOf(app, member.id)).length === 0);
    return resume;
  };

  beforeAll(async () => {
    app = await startTestApp();
    admin = await adminUser(app);
    owner = await newUser(app);
  });
  afterAll(() => app?.close());

  it('a member removed while its connection was down gets neither the room nor what was said there back through recovery, and cannot type into it', async () => {
    const member = await newUser(app);
    const roomId = await roomWith(member);
    const elsewhere = await roomWith(member); // still allowed: it comes back, and carries the sentinel
    const resume = await awayFrom(member, roomId, elsewhere);
    expect((await http.delete(app.api(`/rooms/${roomId}/members/${member.id}`), t(owner))).status).toBe(204);
    await post(roomId, 'said while away');

    const back = client(app.url, member.accessToken, resume);
    const heard = record(back, 'message:new', (m) => m.roomId === roomId);
    const left = record(back, 'room:left');
    const resync = nextEvent(back, 'resync');
    await connected(back);
    expect(back.recovered).toBe(true);
    expect(await resync).toEqual({ code: 'recovery-incomplete', detail: expect.any(String) });
    expect(left).toEqual([{ roomId, reason: 'removed' }]);
    await post(roomId, 'said after the return');
    expect(await send(back, 'typing', { roomId })).toMatchObject({ ok: false, error: { status: 403, code: 'room-not-joined' } });
    expect(await send(back, 'message:send', { roomId, text: 'hi', clientMessageId: randomUUID() })).toMatchObject({ ok: false, error: { status: 403 } });
    // The room it may still be in came back; its message comes after anything sent to the other one.
    const sentinel = nextEvent(back, 'message:new', (m) => m.roomId === elsewhere);
    await post(elsewhere, 'sentinel');
    await sentinel;
    expect(heard).toEqual([]);
  });

  it('a member still allowed gets its rooms and the messages it missed back, in order', async () => {
    const member = await newUser(app);
    const roomId = await roomWith(member);
    const resume = await awayFrom(member, roomId);
    await post(roomId, 'missed 1');
    await post(roomId, 'missed 2');

    const back = client(app.url, member.accessToken, resume);
    const heard = record(back, 'message:new');
    const resyncs = record(back, 'resync');
    await connected(back);
    expect(back.recovered).toBe(true);
    await eventually(() => heard.length === 2);
    expect(heard.map((m) => m.text)).toEqual(['missed 1', 'missed 2']);
    expect(await send(back, 'typing', { roomId })).toEqual({ ok: true, data: {} });
    expect(resyncs).toEqual([]);
  });

  it('a session is not given back to another user who presents its recovery id', async () => {
    const member = await newUser(app);
    const thief = await newUser(app);
    const roomId = await roomWith(member);
    const resume = await awayFrom(member, roomId);
    await post(roomId, 'not for the thief');

    const stolen = client(app.url, thief.accessToken, resume);
    const heard = record(stolen, 'message:new');
    const resync = nextEvent(stolen, 'resync');
    await connected(stolen);
    expect(await resync).toMatchObject({ code: 'recovery-incomplete' });
    expect(await send(stolen, 'typing', { roomId })).toMatchObject({ ok: false, error: { code: 'room-not-joined' } });
    expect(heard).toEqual([]);
  });

  it('a deny policy takes a joined socket out of its rooms at once (room:left access-revoked); the room hears presence:left', async () => {
    const member = await newUser(app);
    const roomId = await roomWith(member);
    const watcher = await join(await connect(app.url, owner.accessToken), roomId);
    const socket = await join(await connect(app.url, member.accessToken), roomId);
    const left = nextEvent(socket, 'room:left');
    const gone = nextEvent(watcher, 'presence:left');
    const deny = await http.post(app.api('/policies'), { subject: `user:${member.id}`, object: 'rooms', action: 'read', effect: 'deny' }, t(admin));
    expect(deny.status).toBe(201);
    expect(await left).toEqual({ roomId, reason: 'access-revoked' });
    expect(await gone).toEqual({ roomId, userId: member.id });
    const heard = record(socket, 'message:new');
    await post(roomId, 'after the deny');
    expect(await send(socket, 'typing', { roomId })).toMatchObject({ ok: false, error: { status: 403, code: 'room-not-joined' } });
    expect(await send(socket, 'room:join', { roomId })).toMatchObject({ ok: false, error: { status: 403 } });
    // The watcher gets the sentinel after the message above: the member's socket would have had it by then too.
    const sentinel = nextEvent(watcher, 'message:new', (m) => m.text === 'sentinel');
    await post(roomId, 'sentinel');
    await sentinel;
    expect(heard).toEqual([]);
    expect(socket.connected).toBe(true);
  });

  it('a tenant role change that takes rooms:read away takes the socket out; others stay', async () => {
    const member = await newUser(app);
    const roomId = await roomWith(member);
    const watcher = await join(await connect(app.url, owner.accessToken), roomId);
    const socket = await join(await connect(app.url, member.accessToken), roomId);
    const role = `r-${randomUUID().slice(0, 8)}`;
    expect((await http.post(app.api('/roles'), { name: role }, t(admin))).status).toBe(201);
    const left = nextEvent(socket, 'room:left');
    expect((await http.put(app.api(`/users/${member.id}/role`), { role }, t(admin))).status).toBe(200);
    expect(await left).toEqual({ roomId, reason: 'access-revoked' });
    // The owner, whose rules did not change, is still in the room; the member no longer hears it.
    const heard = record(socket, 'message:new');
    const stays = nextEvent(watcher, 'message:new', (m) => m.text === 'after the role change');
    await post(roomId, 'after the role change');
    await stays;
    expect(await send(socket, 'typing', { roomId })).toMatchObject({ ok: false, error: { status: 403 } });
    expect(heard).toEqual([]);
  });

  it('typing into a room the user was removed from is refused even for a socket still in the channel', async () => {
    const member = await newUser(app);
    const roomId = await roomWith(member);
    const socket = await join(await connect(app.url, member.accessToken), roomId);
    // Put the socket back into the channel behind the gateway's back, as a lost eviction would leave it.
    expect((await http.delete(app.api(`/rooms/${roomId}/members/${member.id}`), t(owner))).status).toBe(204);
    const rooms = app.app.get(RealtimeService).namespace(ROOMS_NAMESPACE);
    rooms.join(userRoom(member.id), roomChannel(roomId));
    await eventually(async () => (await rooms.sockets(roomChannel(roomId))).length === 1);
    expect(await send(socket, 'typing', { roomId })).toMatchObject({ ok: false, error: { status: 403, code: 'not-a-room-member' } });
  });

  it('drops a socket when its access token expires (session:ended token-expired)', async () => {
    const member = await newUser(app);
    const jwt = app.app.get(JwtService);
    const claims = jwt.decode<Record<string, unknown>>(member.accessToken);
    const shortLived = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) + 2 });
    const socket = await connect(app.url, shortLived);
    const ended = nextEvent(socket, 'session:ended', () => true, 4000);
    const drop = disconnected(socket, 4000);
    expect(await ended).toEqual({ code: 'token-expired', detail: expect.any(String) });
    expect(await drop).toBe('io server disconnect');
  });
});

describe('socket handshake limits', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ SOCKET_MAX_PER_USER: 2, SOCKET_MAX_PER_IP: 3, SOCKET_HANDSHAKE_RATE_LIMIT_MAX: 6 });
  });
  afterAll(() => app?.close());

  it('caps sockets per user and per client address, and rate limits handshakes, with connect_error codes', async () => {
    const [one, two] = [await newUser(app), await newUser(app)];
    const first = await connect(app.url, one.accessToken); // 1
    await connect(app.url, one.accessToken); // 2
    expect((await refusal(app.url, one.accessToken)).data).toMatchObject({ status: 429, code: 'too-many-sockets' }); // 3: the user's third
    await connect(app.url, two.accessToken); // 4: the address's third
    expect((await refusal(app.url, two.accessToken)).data).toMatchObject({ status: 429, code: 'too-many-sockets' }); // 5: the address's fourth
    first.disconnect();
    await eventually(async () => (await localSocketsOf(app, one.id)).length === 1);
    await connect(app.url, two.accessToken); // 6: room again
    expect((await refusal(app.url, two.accessToken)).data).toMatchObject({ status: 429, code: 'too-many-requests' }); // 7: past 6 a minute
  });
});

withRedis('socket security across nodes (REDIS_URL)', () => {
  let a: TestApp;
  let b: RunningServer;

  beforeAll(async () => {
    const prefix = `test-sec-${process.pid}-${Date.now()}:`;
    a = await startTestApp({ REDIS_KEY_PREFIX: prefix, SOCKET_MAX_PER_USER: 2 });
    b = await startServer(testConfig({ DATABASE_URL: a.database.url, REDIS_KEY_PREFIX: prefix, SOCKET_MAX_PER_USER: 2 }));
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a removal or a deny made on node A takes the socket on node B out of the room', async () => {
    const [owner, member, other] = [await newUser(a), await newUser(a), await newUser(a)];
    const room = await newRoom(a, owner, { members: [[member, 'MEMBER'], [other, 'MEMBER']] });
    const onB = await connect(b.url, member.accessToken);
    expect(await send(onB, 'room:join', { roomId: room.id })).toMatchObject({ ok: true });
    const removed = nextEvent(onB, 'room:left');
    expect((await http.delete(a.api(`/rooms/${room.id}/members/${member.id}`), { token: owner.accessToken })).status).toBe(204);
    expect(await removed).toEqual({ roomId: room.id, reason: 'removed' });
    await eventually(async () => (await b.app.get(RealtimeService).namespace(ROOMS_NAMESPACE).nsp.local.in(roomChannel(room.id)).fetchSockets()).length === 0);

    const otherOnB = await connect(b.url, other.accessToken);
    expect(await send(otherOnB, 'room:join', { roomId: room.id })).toMatchObject({ ok: true });
    const revoked = nextEvent(otherOnB, 'room:left');
    const admin = await adminUser(a);
    const deny = await http.post(a.api('/policies'), { subject: `user:${other.id}`, object: 'rooms', action: 'read', effect: 'deny' }, { token: admin.accessToken });
    expect(deny.status).toBe(201);
    expect(await revoked).toEqual({ roomId: room.id, reason: 'access-revoked' });
    expect(await send(otherOnB, 'typing', { roomId: room.id })).toMatchObject({ ok: false, error: { code: 'room-not-joined' } });
  });

  it('counts a user\'s sockets over both nodes: one on A and one on B, and a third is refused on either', async () => {
    const user = await newUser(a);
    await connect(a.url, user.accessToken);
    await connect(b.url, user.accessToken);
    expect((await refusal(a.url, user.accessToken)).data).toMatchObject({ status: 429, code: 'too-many-sockets' });
    expect((await refusal(b.url, user.accessToken)).data).toMatchObject({ status: 429, code: 'too-many-sockets' });
  });
});
