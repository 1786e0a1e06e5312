import { randomUUID } from 'node:crypto';
import { Socket, io } from 'socket.io-client';
import { RealtimeService } from '../../src/realtime/realtime.service';
import type { Ack } from '../../src/realtime/socket.types';
import { ROOMS_NAMESPACE, RoomsServerEvents } from '../../src/rooms/live/rooms-live.types';
import { RunningServer, startServer } from '../../src/server';
import { TestUser, newRoom, newTenant, newUser } from '../helpers/factory';
import { expectProblem, http } from '../helpers/http';
import { TestApp, startTestApp } from '../helpers/test-app';
import { testConfig } from '../helpers/test-env';

/** The live rooms protocol on /rooms (src/rooms/live/rooms.gateway.ts), with a real socket.io-client. */

type Client = Socket<RoomsServerEvents>;
const clients: Client[] = [];

async function connect(url: string, token: string): Promise<Client> {
  const socket: Client = io(`${url}${ROOMS_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
  clients.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Sends an event (any payload, also malformed ones) and resolves with its ack. */
async function send<T = any>(socket: Client, event: string, ...payload: unknown[]): Promise<Ack<T>> {
  const timed = socket.timeout(5000);
  return (await (timed.emitWithAck as (event: string, ...args: unknown[]) => Promise<unknown>).call(timed, event, ...payload)) as Ack<T>;
}

type ServerEvent = keyof RoomsServerEvents;
type Payload<E extends ServerEvent> = Parameters<RoomsServerEvents[E]>[0];

function nextEvent<E extends ServerEvent>(socket: Client, event: E, match: (payload: Payload<E>) => boolean = () => true, timeoutMs = 5000): Promise<Payload<E>> {
  return new Promise((resolve, reject) => {
    const listener = (payload: Payload<E>) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      (socket.off as (e: string, l: unknown) => void)(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      (socket.off as (e: string, l: unknown) => void)(event, listener);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    (socket.on as (e: string, l: unknown) => void)(event, listener);
  });
}

/** Records every `event` a socket receives from now on (those that `match`). */
function record<E extends ServerEvent>(socket: Client, event: E, match: (payload: Payload<E>) => boolean = () => true): Array<Payload<E>> {
  const seen: Array<Payload<E>> = [];
  (socket.on as (e: string, l: unknown) => void)(event, (payload: Payload<E>) => {
    if (match(payload)) seen.push(payload);
  });
  return seen;
}

/**
 * A sentinel instead of "sleep, then expect nothing": `from` types in the room (its first `typing`
 * within 2 s) and this resolves once `to` has it. Whatever the server sent `to` before (an event
 * that should not have been sent, say) has arrived by then: a connection delivers in order.
 */
async function typingReaches(from: Client, to: Client, roomId: string): Promise<void> {
  const arrived = nextEvent(to, 'typing', (p) => p.roomId === roomId);
  expect(await send(from, 'typing', { roomId })).toEqual({ ok: true, data: {} });
  await arrived;
}

const withRedis = process.env.REDIS_URL ? describe : describe.skip;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const userIds = (users: Array<{ userId: string }>) => users.map((u) => u.userId).sort();

afterEach(() => {
  for (const socket of clients.splice(0)) socket.disconnect();
});

describe('live rooms over Socket.IO (/rooms)', () => {
  let app: TestApp;
  let owner: TestUser;
  let moderator: TestUser;
  let member: TestUser;
  let guest: TestUser;
  let outsider: TestUser;

  const t = (u: TestUser) => ({ token: u.accessToken });
  /** The id of a new room (with `body`'s fields) with owner, moderator, member and guest. */
  const createRoom = async (body: Record<string, unknown> = {}): Promise<string> =>
    (await newRoom(app, owner, { body: { name: 'Live', ...body }, members: [[moderator, 'MODERATOR'], [member, 'MEMBER'], [guest, 'GUEST']] })).id;
  const joined = async (user: TestUser, roomId: string): Promise<Client> => {
    const socket = await connect(app.url, user.accessToken);
    expect(await send(socket, 'room:join', { roomId })).toMatchObject({ ok: true, data: { status: 'joined' } });
    return socket;
  };

  beforeAll(async () => {
    app = await startTestApp();
    [owner, moderator, member, guest, outsider] = [await newUser(app), await newUser(app), await newUser(app), await newUser(app), await newUser(app)];
  });
  afterAll(() => app?.close());

  it('joins a room, answers with who is there, and tells the others who comes and goes (a user once, however many sockets)', async () => {
    const roomId = await createRoom();
    const a = await connect(app.url, owner.accessToken);
    const aboutMe = record(a, 'presence:joined');
    expect(await send(a, 'room:join', { roomId })).toEqual({ ok: true, data: { status: 'joined', presence: [{ userId: owner.id, displayName: owner.username }], waiting: [] } });

    const seen = nextEvent(a, 'presence:joined');
    const b = await joined(member, roomId);
    expect(await seen).toEqual({ roomId, user: { userId: member.id, displayName: member.username } });
    // The member's second socket: the ack lists both users; the room hears nothing new.
    const joins = record(a, 'presence:joined');
    const second = await connect(app.url, member.accessToken);
    const again = await send(second, 'room:join', { roomId });
    expect(again.ok && again.data.status === 'joined' && userIds(again.data.presence)).toEqual([owner.id, member.id].sort());

    // Joining twice is harmless; the user leaves the list once all its sockets are gone.
    expect(await send(b, 'room:join', { roomId })).toMatchObject({ ok: true, data: { status: 'joined', presence: expect.arrayContaining([{ userId: member.id, displayName: member.username }]) } });
    const lefts = record(a, 'presence:left');
    expect(await send(b, 'room:leave', { roomId })).toEqual({ ok: true, data: { status: 'left' } });
    await typingReaches(second, a, roomId); // sent after the leave: a presence:left would have come first
    expect(lefts).toEqual([]);
    const gone = nextEvent(a, 'presence:left');
    second.disconnect(); // a dropped socket counts as leaving
    expect(await gone).toEqual({ roomId, userId: member.id });
    expect(joins).toEqual([]);
    // Nobody is told about themselves.
    expect(aboutMe.filter((p) => p.user.userId === owner.id)).toEqual([]);
    const rejoined = nextEvent(a, 'presence:joined');
    expect(await send(b, 'room:join', { roomId })).toMatchObject({ ok: true, data: { status: 'joined' } });
    expect(await rejoined).toEqual({ roomId, user: { userId: member.id, displayName: member.username } });
  });

  it('a socket that drops and comes back through connection state recovery leaves the list, rejoins it and gets the whole list', async () => {
    const roomId = await createRoom();
    const watcher = await joined(owner, roomId);
    const roaming: Client = io(`${app.url}${ROOMS_NAMESPACE}`, { transports: ['websocket'], forceNew: true, auth: { token: member.accessToken }, reconnectionDelay: 100 });
    clients.push(roaming);
    await new Promise<void>((resolve) => roaming.once('connect', () => resolve()));
    expect(await send(roaming, 'room:join', { roomId })).toMatchObject({ ok: true, data: { status: 'joined' } });
    // A client asks to recover from the last broadcast it received.
    const first = nextEvent(roaming, 'message:new');
    await send(watcher, 'message:send', { roomId, text: 'before the drop', clientMessageId: randomUUID() });
    await first;

    const left = nextEvent(watcher, 'presence:left');
    const back = nextEvent(watcher, 'presence:joined');
    const list = nextEvent(roaming, 'presence');
    roaming.io.engine.close(); // a dropped network: the client reconnects by itself and asks to recover
    expect(await left).toEqual({ roomId, userId: member.id });
    expect(await back).toEqual({ roomId, user: { userId: member.id, displayName: member.username } });
    expect(roaming.recovered).toBe(true);
    expect(userIds((await list).users)).toEqual([owner.id, member.id].sort());
    // Back in the room without a new room:join.
    const heard = nextEvent(watcher, 'message:new');
    expect(await send(roaming, 'message:send', { roomId, text: 'back', clientMessageId: randomUUID() })).toMatchObject({ ok: true });
    expect(await heard).toMatchObject({ authorId: member.id, text: 'back' });
  });

  it("refuses another tenant's room like a missing one (404) and a non-member with RoomAccess's 403", async () => {
    const roomId = await createRoom();
    const tenant = await newTenant(app);
    const foreigner = await newUser(app, { tenantId: tenant.id });
    const foreign = await connect(app.url, foreigner.accessToken);
    const missing = await send(foreign, 'room:join', { roomId: randomUUID() });
    expect(missing).toMatchObject({ ok: false, error: { status: 404, code: 'not-found' } });
    expect(await send(foreign, 'room:join', { roomId })).toEqual(missing);

    const stranger = await connect(app.url, outsider.accessToken);
    expect(await send(stranger, 'room:join', { roomId })).toMatchObject({ ok: false, error: { status: 403, code: 'not-a-room-member' } });
    // Not joined: nothing to send to.
    expect(await send(stranger, 'message:send', { roomId, text: 'hi', clientMessageId: randomUUID() })).toMatchObject({ ok: false, error: { status: 403, code: 'room-not-joined' } });
  });

  it('asks members and guests for the room password; owners and moderators skip it', async () => {
    const roomId = await createRoom({ password: 'secret-1' });
    const socket = await connect(app.url, member.accessToken);
    expect(await send(socket, 'room:join', { roomId })).toMatchObject({ ok: false, error: { status: 403, code: 'wrong-room-password' } });
    expect(await send(socket, 'room:join', { roomId, password: 'secret-2' })).toMatchObject({ ok: false, error: { status: 403, code: 'wrong-room-password' } });
    expect(await send(socket, 'room:join', { roomId, password: 'secret-1' })).toMatchObject({ ok: true, data: { status: 'joined' } });
    await joined(moderator, roomId);
  });

  it('holds members in the waiting room until a moderator admits them; denies too', async () => {
    const roomId = await createRoom({ waitingRoom: true });
    const mod = await joined(moderator, roomId);
    const request = nextEvent(mod, 'waiting:request');
    const waiter = await connect(app.url, member.accessToken);
    expect(await send(waiter, 'room:join', { roomId })).toEqual({ ok: true, data: { status: 'waiting' } });
    expect(await request).toEqual({ roomId, userId: member.id, displayName: member.username, requestedAt: expect.any(String) });
    // Waiting is not being in the room.
    expect(await send(waiter, 'message:send', { roomId, text: 'let me in', clientMessageId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'room-not-joined' } });
    // A moderator joining later sees who waits; a member cannot admit.
    const late = await connect(app.url, owner.accessToken);
    expect(await send(late, 'room:join', { roomId })).toMatchObject({ ok: true, data: { status: 'joined', waiting: [{ userId: member.id }] } });
    const other = await connect(app.url, guest.accessToken);
    expect(await send(other, 'waiting:admit', { roomId, userId: member.id })).toMatchObject({ ok: false, error: { status: 403 } });

    const admitted = nextEvent(waiter, 'waiting:admitted');
    const list = nextEvent(waiter, 'presence');
    const presence = nextEvent(mod, 'presence:joined');
    expect(await send(mod, 'waiting:admit', { roomId, userId: member.id })).toEqual({ ok: true, data: { admitted: 1 } });
    expect(await admitted).toEqual({ roomId, userId: member.id });
    expect(await presence).toEqual({ roomId, user: { userId: member.id, displayName: member.username } });
    // The admitted socket had no join ack with the list: it gets it now.
    expect(userIds((await list).users)).toEqual([owner.id, moderator.id, member.id].sort());
    const message = nextEvent(mod, 'message:new');
    expect(await send(waiter, 'message:send', { roomId, text: 'thanks', clientMessageId: randomUUID() })).toMatchObject({ ok: true, data: { text: 'thanks' } });
    expect(await message).toMatchObject({ roomId, authorId: member.id, text: 'thanks' });
    expect(await send(mod, 'waiting:admit', { roomId, userId: member.id })).toMatchObject({ ok: false, error: { status: 404, code: 'not-waiting' } });

    // Deny: the guest waits, is turned away and is still not in the room.
    expect(await send(other, 'room:join', { roomId })).toEqual({ ok: true, data: { status: 'waiting' } });
    const denied = nextEvent(other, 'waiting:denied');
    expect(await send(mod, 'waiting:deny', { roomId, userId: guest.id })).toEqual({ ok: true, data: { denied: 1 } });
    expect(await denied).toEqual({ roomId, userId: guest.id });
    expect(await send(other, 'typing', { roomId })).toMatchObject({ ok: false, error: { code: 'room-not-joined' } });
  });

  it('stores a message before broadcasting it once, acks the stored message; a resend is the same message and no broadcast', async () => {
    const roomId = await createRoom();
    const sender = await joined(member, roomId);
    const listener = await joined(owner, roomId);
    const heard = record(listener, 'message:new');
    const own = record(sender, 'message:new');
    const clientMessageId = randomUUID();
    const first = nextEvent(listener, 'message:new');
    const ack = await send(sender, 'message:send', { roomId, text: 'hello room', clientMessageId });
    expect(ack).toEqual({ ok: true, data: expect.objectContaining({ roomId, authorId: member.id, kind: 'user', text: 'hello room', clientMessageId, deleted: false }) });
    const stored = ack.ok ? ack.data : undefined;
    expect(await first).toEqual(stored);
    const list = await http.get(app.api(`/rooms/${roomId}/messages`), t(owner));
    expect(list.body.items).toEqual([stored]);

    const resend = await send(sender, 'message:send', { roomId, text: 'hello room', clientMessageId });
    expect(resend).toEqual({ ok: true, data: stored });
    // Sentinels sent after the resend: a second message:new would have reached each socket before them.
    await typingReaches(sender, listener, roomId);
    await typingReaches(listener, sender, roomId);
    expect(heard).toHaveLength(1);
    expect(own).toHaveLength(1);
    expect((await http.get(app.api(`/rooms/${roomId}/messages`), t(owner))).body.items).toHaveLength(1);

    // A guest is in the room but may not post (RoomAccess, like REST).
    const guestSocket = await joined(guest, roomId);
    expect(await send(guestSocket, 'message:send', { roomId, text: 'hi', clientMessageId: randomUUID() })).toMatchObject({ ok: false, error: { status: 403, code: 'room-permission-denied' } });
  });

  it('sends messages posted over REST to the sockets in the room', async () => {
    const roomId = await createRoom();
    const socket = await joined(member, roomId);
    const message = nextEvent(socket, 'message:new');
    const res = await http.post(app.api(`/rooms/${roomId}/messages`), { text: 'from REST' }, t(owner));
    expect(res.status).toBe(201);
    expect(await message).toEqual(res.body);
  });

  it('sends bot messages to the sockets in the room', async () => {
    const roomId = await createRoom();
    const socket = await joined(member, roomId);
    const message = nextEvent(socket, 'message:new');
    const res = await http.post(app.api(`/rooms/${roomId}/bot-messages`), { text: 'Build 42 passed', botName: 'CI' }, t(moderator));
    expect(res.status).toBe(201);
    expect(await message).toEqual({ ...res.body, authorId: null, kind: 'bot', botName: 'CI' });
  });

  it('tells the room about edits and deletions (REST), once each; refused changes send nothing', async () => {
    const roomId = await createRoom();
    const author = await joined(member, roomId);
    const other = await joined(owner, roomId);
    const edits = record(other, 'message:edited');
    const deletions = record(other, 'message:deleted');
    const sent = await send(author, 'message:send', { roomId, text: 'first draft', clientMessageId: randomUUID() });
    const id = sent.ok ? sent.data.id : '';

    const edited = nextEvent(author, 'message:edited');
    const res = await http.patch(app.api(`/rooms/${roomId}/messages/${id}`), { text: 'second draft' }, t(member));
    expect(res.status).toBe(200);
    expect(await edited).toEqual(res.body);
    expect(res.body).toMatchObject({ id, text: 'second draft', editedAt: expect.any(String) });
    // Not the author: 403, nothing sent.
    expectProblem(await http.patch(app.api(`/rooms/${roomId}/messages/${id}`), { text: 'hijack' }, t(moderator)), 403);

    const deleted = nextEvent(author, 'message:deleted');
    expect((await http.delete(app.api(`/rooms/${roomId}/messages/${id}`), t(moderator))).status).toBe(204);
    expect(await deleted).toEqual({ ...res.body, text: '', deleted: true, deletedAt: expect.any(String) });
    // Deleting it again changes nothing and sends nothing.
    expect((await http.delete(app.api(`/rooms/${roomId}/messages/${id}`), t(owner))).status).toBe(204);
    await typingReaches(author, other, roomId); // after the refused edit and the second delete
    expect(edits).toHaveLength(1);
    expect(deletions).toHaveLength(1);
  });

  it('answers oversized and malformed payloads with a 400 naming the field; the socket stays connected', async () => {
    const roomId = await createRoom();
    const socket = await joined(member, roomId);
    const long = await send(socket, 'message:send', { roomId, text: 'x'.repeat(4001), clientMessageId: randomUUID() });
    expect(long).toMatchObject({ ok: false, error: { status: 400, code: 'validation-failed', errors: [expect.objectContaining({ field: 'text' })] } });
    const cases: Array<[string, unknown, string | undefined]> = [
      ['message:send', { roomId, clientMessageId: randomUUID() }, 'text'],
      ['message:send', { roomId, text: 'hi' }, 'clientMessageId'],
      ['message:send', { roomId, text: 42, clientMessageId: randomUUID() }, 'text'],
      ['message:send', { roomId, text: '   ', clientMessageId: randomUUID() }, 'text'],
      ['message:send', { roomId, text: 'hi', clientMessageId: randomUUID(), admin: true }, 'admin'],
      ['room:join', { roomId: 'not-a-uuid' }, 'roomId'],
      ['room:join', {}, 'roomId'],
      ['typing', { roomId: 5 }, 'roomId'],
      ['waiting:admit', { roomId }, 'userId'],
    ];
    for (const [event, payload, field] of cases) {
      const ack = await send(socket, event, payload);
      expect(ack).toMatchObject({ ok: false, error: { status: 400, code: 'validation-failed' } });
      expect(!ack.ok && ack.error.errors?.map((e) => e.field)).toContain(field);
    }
    for (const bad of ['text', 7, null, [roomId]]) {
      expect(await send(socket, 'room:leave', bad)).toMatchObject({ ok: false, error: { status: 400, code: 'invalid-payload' } });
    }
    expect(socket.connected).toBe(true);
    expect(await send(socket, 'ping')).toMatchObject({ ok: true, data: { pong: true } });
    expect(await send(socket, 'message:send', { roomId, text: 'still here', clientMessageId: randomUUID() })).toMatchObject({ ok: true });
  });

  it('rate limits message:send per socket with 429 acks', async () => {
    const roomId = await createRoom();
    const socket = await joined(member, roomId);
    const acks = await Promise.all(Array.from({ length: 14 }, (_, i) => send(socket, 'message:send', { roomId, text: `m${i}`, clientMessageId: randomUUID() })));
    expect(acks.filter((a) => a.ok)).toHaveLength(10);
    expect(acks.filter((a) => !a.ok)).toEqual(Array(4).fill({ ok: false, error: expect.objectContaining({ status: 429, code: 'too-many-requests' }) }));
    expect(socket.connected).toBe(true);
  });

  it('takes a removed member out of the room and tells it member:removed', async () => {
    const roomId = await createRoom();
    const elsewhere = await createRoom(); // where the sentinel reaches the removed member's socket
    const removed = await joined(member, roomId);
    expect(await send(removed, 'room:join', { roomId: elsewhere })).toMatchObject({ ok: true, data: { status: 'joined' } });
    const watcher = await joined(owner, roomId);
    const notice = nextEvent(removed, 'member:removed');
    const presence = nextEvent(watcher, 'presence:left');
    expect((await http.delete(app.api(`/rooms/${roomId}/members/${member.id}`), t(owner))).status).toBe(204);
    expect(await notice).toEqual({ roomId, userId: member.id });
    expect(await presence).toEqual({ roomId, userId: member.id });
    const heard = record(removed, 'message:new', (m) => m.roomId === roomId);
    await http.post(app.api(`/rooms/${roomId}/messages`), { text: 'after removal' }, t(owner));
    expect(await send(removed, 'message:send', { roomId, text: 'hi', clientMessageId: randomUUID() })).toMatchObject({ ok: false, error: { status: 403, code: 'room-not-joined' } });
    expect(await send(removed, 'room:join', { roomId })).toMatchObject({ ok: false, error: { status: 403, code: 'not-a-room-member' } });
    // The sentinel: a message in the other room, posted after; the one in this room would have come first.
    const sentinel = nextEvent(removed, 'message:new', (m) => m.roomId === elsewhere);
    expect((await http.post(app.api(`/rooms/${elsewhere}/messages`), { text: 'sentinel' }, t(owner))).status).toBe(201);
    await sentinel;
    expect(heard).toHaveLength(0);
  });

  it('transcript:append stores a segment through the REST service, acks it and broadcasts transcript:new once', async () => {
    const roomId = await createRoom();
    const sender = await joined(member, roomId);
    const listener = await joined(owner, roomId);
    const heard = record(listener, 'transcript:new');
    const own = record(sender, 'transcript:new');
    const first = nextEvent(listener, 'transcript:new');
    const ack = await send(sender, 'transcript:append', { roomId, text: 'hello transcript', startedAt: 1000, endedAt: 2500, speakerUserId: owner.id, language: 'en-US' });
    expect(ack).toEqual({
      ok: true,
      data: { id: expect.any(String), roomId, authorId: member.id, speakerUserId: owner.id, text: 'hello transcript', language: 'en-US', startedAt: 1000, endedAt: 2500, createdAt: expect.any(String) },
    });
    const stored = ack.ok ? ack.data : undefined;
    expect(await first).toEqual({ ...stored, userId: member.id });
    const list = await http.get(app.api(`/rooms/${roomId}/transcripts`), t(owner));
    expect(list.body.items).toEqual([stored]);
    await typingReaches(sender, listener, roomId);
    await typingReaches(listener, sender, roomId);
    expect(heard).toHaveLength(1);
    expect(own).toHaveLength(1);

    // Not joined: 403 room-not-joined; a guest in the room lacks post-transcript (RoomAccess, like REST).
    const stranger = await connect(app.url, outsider.accessToken);
    expect(await send(stranger, 'transcript:append', { roomId, text: 'hi' })).toMatchObject({ ok: false, error: { status: 403, code: 'room-not-joined' } });
    const guestSocket = await joined(guest, roomId);
    expect(await send(guestSocket, 'transcript:append', { roomId, text: 'hi' })).toMatchObject({ ok: false, error: { status: 403, code: 'room-permission-denied' } });
    await typingReaches(guestSocket, listener, roomId); // after the refused appends
    expect(heard).toHaveLength(1);
  });

  it('sends transcript segments appended over REST to the sockets in the room, once', async () => {
    const roomId = await createRoom();
    const socket = await joined(member, roomId);
    const typist = await joined(guest, roomId); // sends the sentinel
    const heard = record(socket, 'transcript:new');
    const segment = nextEvent(socket, 'transcript:new');
    const res = await http.post(app.api(`/rooms/${roomId}/transcripts`), { text: 'from REST', startedAt: 0 }, t(owner));
    expect(res.status).toBe(201);
    expect(await segment).toEqual({ ...res.body, userId: owner.id });
    await typingReaches(typist, socket, roomId);
    expect(heard).toHaveLength(1);
  });

  it('answers malformed transcript:append payloads with a 400 naming the field; nothing is stored or broadcast', async () => {
    const roomId = await createRoom();
    const socket = await joined(member, roomId);
    const typist = await joined(guest, roomId); // sends the sentinel
    const heard = record(socket, 'transcript:new');
    const cases: Array<[unknown, string]> = [
      [{ roomId }, 'text'],
      [{ roomId, text: '   ' }, 'text'],
      [{ roomId, text: 'x'.repeat(4001) }, 'text'],
      [{ roomId, text: 'hi', startedAt: -1 }, 'startedAt'],
      [{ roomId, text: 'hi', startedAt: 1.5 }, 'startedAt'],
      [{ roomId, text: 'hi', startedAt: 2000, endedAt: 1000 }, 'endedAt'],
      [{ roomId, text: 'hi', speakerUserId: 'nope' }, 'speakerUserId'],
      [{ roomId, text: 'hi', speakerUserId: outsider.id }, 'speakerUserId'],
      [{ roomId, text: 'hi', language: 'not a tag' }, 'language'],
      [{ roomId, text: 'hi', extra: true }, 'extra'],
      [{ roomId: 'not-a-uuid', text: 'hi' }, 'roomId'],
    ];
    for (const [i, [payload, field]] of cases.entries()) {
      if (i === 8) await sleep(1100); // stay under the 10 per second of the event
      const ack = await send(socket, 'transcript:append', payload);
      expect(ack).toMatchObject({ ok: false, error: { status: 400 } });
      expect(!ack.ok && ack.error.errors?.map((e) => e.field)).toContain(field);
    }
    expect(await send(socket, 'transcript:append', 'text')).toMatchObject({ ok: false, error: { status: 400, code: 'invalid-payload' } });
    expect(socket.connected).toBe(true);
    expect((await http.get(app.api(`/rooms/${roomId}/transcripts`), t(owner))).body.items).toEqual([]);
    await typingReaches(typist, socket, roomId); // after every refused append
    expect(heard).toHaveLength(0);
  });

  it('rate limits transcript:append per socket with 429 acks', async () => {
    const roomId = await createRoom();
    const socket = await joined(member, roomId);
    const acks = await Promise.all(Array.from({ length: 13 }, (_, i) => send(socket, 'transcript:append', { roomId, text: `t${i}` })));
    expect(acks.filter((a) => a.ok)).toHaveLength(10);
    expect(acks.filter((a) => !a.ok)).toEqual(Array(3).fill({ ok: false, error: expect.objectContaining({ status: 429, code: 'too-many-requests' }) }));
  });

  it('relays typing to the others in the room, stores nothing, and throttles it', async () => {
    const roomId = await createRoom();
    const typist = await joined(member, roomId);
    const other = await joined(owner, roomId);
    const own = record(typist, 'typing', (p) => p.userId === member.id);
    const typing = nextEvent(other, 'typing');
    expect(await send(typist, 'typing', { roomId })).toEqual({ ok: true, data: {} });
    expect(await typing).toEqual({ roomId, userId: member.id });
    expect(await send(typist, 'typing', { roomId })).toMatchObject({ ok: false, error: { status: 429 } });
    await typingReaches(other, typist, roomId); // the owner's typing, after the member's: its own would have come first
    expect(own).toHaveLength(0);
    expect((await http.get(app.api(`/rooms/${roomId}/messages`), t(owner))).body.items).toEqual([]);
  });

});

withRedis('live rooms across nodes (REDIS_URL)', () => {
  let a: TestApp;
  let b: RunningServer;

  beforeAll(async () => {
    const prefix = `test-rooms-${process.pid}-${Date.now()}:`;
    a = await startTestApp({ REDIS_KEY_PREFIX: prefix });
    b = await startServer(testConfig({ DATABASE_URL: a.database.url, REDIS_KEY_PREFIX: prefix }));
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('shares presence, the waiting room and messages between sockets on different nodes', async () => {
    const owner = await newUser(a);
    const member = await newUser(a);
    const roomId = (await newRoom(a, owner, { body: { name: 'Nodes', waitingRoom: true }, members: [[member, 'MEMBER']] })).id;

    const onA = await connect(a.url, owner.accessToken);
    expect(await send(onA, 'room:join', { roomId })).toMatchObject({ ok: true, data: { status: 'joined' } });
    const request = nextEvent(onA, 'waiting:request');
    const onB = await connect(b.url, member.accessToken);
    expect(await send(onB, 'room:join', { roomId })).toEqual({ ok: true, data: { status: 'waiting' } });
    expect(await request).toMatchObject({ roomId, userId: member.id });

    const admitted = nextEvent(onB, 'waiting:admitted');
    const list = nextEvent(onB, 'presence');
    const presence = nextEvent(onA, 'presence:joined');
    expect(await send(onA, 'waiting:admit', { roomId, userId: member.id })).toEqual({ ok: true, data: { admitted: 1 } });
    await admitted;
    expect(await presence).toEqual({ roomId, user: { userId: member.id, displayName: member.username } });
    expect(userIds((await list).users)).toEqual([owner.id, member.id].sort());

    const heardOnA = nextEvent(onA, 'message:new', (m) => m.text === 'from node B');
    const ack = await send(onB, 'message:send', { roomId, text: 'from node B', clientMessageId: randomUUID() });
    expect(ack.ok).toBe(true);
    expect(await heardOnA).toMatchObject({ text: 'from node B', authorId: member.id });
    const heardOnB = nextEvent(onB, 'message:new', (m) => m.text === 'REST on node A');
    expect((await http.post(a.api(`/rooms/${roomId}/messages`), { text: 'REST on node A' }, { token: owner.accessToken })).status).toBe(201);
    expect(await heardOnB).toMatchObject({ text: 'REST on node A' });

    const edited = nextEvent(onB, 'message:edited');
    const ackId = ack.ok ? ack.data.id : '';
    expect((await http.patch(a.api(`/rooms/${roomId}/messages/${ackId}`), { text: 'edited on A' }, { token: member.accessToken })).status).toBe(200);
    expect(await edited).toMatchObject({ id: ackId, text: 'edited on A' });
    const left = nextEvent(onA, 'presence:left');
    onB.disconnect();
    expect(await left).toEqual({ roomId, userId: member.id });
  });

  // Last: it stops node B.
  it('gives the room the whole list again when another node goes away (its sockets never said goodbye)', async () => {
    const owner = await newUser(a);
    const member = await newUser(a);
    const roomId = (await newRoom(a, owner, { body: { name: 'Crash' }, members: [[member, 'MEMBER']] })).id;
    const onA = await connect(a.url, owner.accessToken);
    expect(await send(onA, 'room:join', { roomId })).toMatchObject({ ok: true, data: { status: 'joined' } });
    const arrived = nextEvent(onA, 'presence:joined');
    const onB = await connect(b.url, member.accessToken);
    expect(await send(onB, 'room:join', { roomId })).toMatchObject({ ok: true, data: { status: 'joined' } });
    await arrived;

    // Node A counts the nodes every 2 s: let it see B before B goes.
    const realtimeA = a.app.get(RealtimeService);
    for (let i = 0; i < 50 && realtimeA.clusterNodes < 2; i++) await sleep(100);
    expect(realtimeA.clusterNodes).toBe(2);
    const resync = nextEvent(onA, 'presence', (p) => p.roomId === roomId, 8000);
    await b.close(); // a closing node sends nothing itself; the other node notices it going
    expect(await resync).toEqual({ roomId, users: [{ userId: owner.id, displayName: owner.username }] });
  });
});
