import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import type { DomainEventName, DomainEventPayload } from '../../src/common/events/domain-events';
import { expectProblem, http } from '../helpers/http';
import { TestUser, addRoomMember, adminUser, newRoom, newTenant, newUser } from '../helpers/factory';
import { TestApp, startTestApp } from '../helpers/test-app';

const JOIN_CODE = /^[A-HJKMNP-Z2-9]{9}$/;

/** Listens to a domain event of the app (the bus DomainEvents publishes on); returns the function that stops listening. */
function onDomainEvent<E extends DomainEventName>(app: TestApp, event: E, listener: (payload: DomainEventPayload<E>) => void): () => void {
  const emitter = app.app.get(EventEmitter2);
  emitter.on(event, listener);
  return () => {
    emitter.off(event, listener);
  };
}

describe('rooms REST', () => {
  let app: TestApp;
  let owner: TestUser;
  let moderator: TestUser;
  let member: TestUser;
  let guest: TestUser;
  let outsider: TestUser;

  const t = (u: TestUser) => ({ token: u.accessToken });
  /** A room with owner, moderator, member and guest. */
  const fullRoom = () => newRoom(app, owner, { members: [[moderator, 'MODERATOR'], [member, 'MEMBER'], [guest, 'GUEST']] });

  beforeAll(async () => {
    app = await startTestApp();
    owner = await newUser(app);
    moderator = await newUser(app);
    member = await newUser(app);
    guest = await newUser(app);
    outsider = await newUser(app);
  });
  afterAll(() => app.close());

  it('creates, reads, lists, updates and deletes a room; never returns the password', async () => {
    const res = await http.post(app.api('/rooms'), { name: '  Standup ', type: 'CHAT', password: 'secret-1', waitingRoom: true }, t(owner));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Standup', type: 'CHAT', ownerId: owner.id, hasPassword: true, waitingRoom: true, e2eEncrypted: false, viz: null, myRole: 'OWNER' });
    expect(res.body.joinCode).toMatch(JOIN_CODE);
    expect(res.text).not.toContain('secret-1');
    expect(Object.keys(res.body)).not.toEqual(expect.arrayContaining(['password', 'passwordHash']));
    const id = res.body.id;

    const got = await http.get(app.api(`/rooms/${id}`), t(owner));
    expect(got.body).toEqual(res.body);
    // A non-member of the tenant sees the card, not the join code.
    expect((await http.get(app.api(`/rooms/${id}`), t(outsider))).body).toMatchObject({ id, joinCode: null, myRole: null, hasPassword: true });

    const patched = await http.patch(app.api(`/rooms/${id}`), { name: 'Daily', password: null, e2eEncrypted: true }, t(owner));
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Daily', hasPassword: false, e2eEncrypted: true });
    expect((await http.patch(app.api(`/rooms/${id}`), { password: 'another-1' }, t(owner))).body.hasPassword).toBe(true);

    const mine = await http.get(app.api('/rooms?member=true&type=CHAT'), t(owner));
    expect(mine.body.items.map((r: { id: string }) => r.id)).toContain(id);
    expect((await http.get(app.api('/rooms?member=true'), t(outsider))).body.items.map((r: { id: string }) => r.id)).not.toContain(id);
    expect((await http.get(app.api('/rooms?type=DASHBOARD'), t(owner))).body.items.map((r: { id: string }) => r.id)).not.toContain(id);

    const audit = await http.get(app.api(`/audit-logs?resourceId=${id}`), t(await adminUser(app)));
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['room.create', 'room.update', 'room.update']);
    expect(JSON.stringify(audit.body.items)).not.toContain('another-1');

    expect((await http.delete(app.api(`/rooms/${id}`), t(owner))).status).toBe(204);
    expectProblem(await http.get(app.api(`/rooms/${id}`), t(owner)), 404);
  });

  it('pages rooms with a cursor', async () => {
    const user = await newUser(app);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await newRoom(app, user, { body: { name: `P${i}` } })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await http.get(
        app.api(`/rooms?member=true&limit=2${cursor ? `&cursor=${cursor}` : ''}`), t(user));
      seen.push(...page.body.items.map((r) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  it('generates distinct join codes from the unambiguous alphabet', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) codes.add((await newRoom(app, owner)).joinCode);
    expect(codes.size).toBe(20);
    for (const code of codes) expect(code).toMatch(JOIN_CODE);
  });

  it('keeps the viz token for members of dashboard rooms and masks it for others', async () => {
    const res = await http.post(app.api('/rooms'), { name: 'Viz', type: 'DASHBOARD', viz: { host: 'viz-1.internal', cmdPort: 9000, vizPort: 9001 } }, t(owner));
    expect(res.status).toBe(201);
    expect(res.body.viz).toMatchObject({ host: 'viz-1.internal', cmdPort: 9000, vizPort: 9001 });
    expect(res.body.viz.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const other = await http.get(app.api(`/rooms/${res.body.id}`), t(outsider));
    expect(other.body.viz.token).toBe(`••••••••${res.body.viz.token.slice(-4)}`);
    expect(expectProblem(await http.post(app.api('/rooms'), { name: 'x', type: 'CHAT', viz: { host: 'h', cmdPort: 1, vizPort: 2 } }, t(owner)), 400).errors[0].field).toBe('viz');
  });

  it('rejects unknown fields and bad values', async () => {
    const bad = await http.post(app.api('/rooms'), { name: 'x', type: 'CHAT', ownerId: outsider.id, tenantId: outsider.tenantId }, t(owner));
    expect(expectProblem(bad, 400).errors.map((e: { field: string }) => e.field).sort()).toEqual(['ownerId', 'tenantId']);
    expect(expectProblem(await http.post(app.api('/rooms'), { name: '', type: 'CHAT' }, t(owner)), 400).errors[0].field).toBe('name');
    expect(expectProblem(await http.post(app.api('/rooms'), { name: 'x', type: 'VOICE' }, t(owner)), 400).errors[0].field).toBe('type');
    const room = await newRoom(app, owner);
    expectProblem(await http.patch(app.api(`/rooms/${room.id}`), { type: 'CALL' }, t(owner)), 400);
    expectProblem(await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'hi', kind: 'bot' }, t(owner)), 400);
    expectProblem(await http.get(app.api('/rooms/not-a-uuid'), t(owner)), 400);
  });

  it('enforces room roles', async () => {
    const room = await fullRoom();
    // Members cannot change or delete the room, nor manage members.
    expectProblem(await http.delete(app.api(`/rooms/${room.id}`), t(member)), 403, 'room-permission-denied');
    expectProblem(await http.patch(app.api(`/rooms/${room.id}`), { name: 'x' }, t(member)), 403);
    expectProblem(await http.post(app.api(`/rooms/${room.id}/members`), { userId: outsider.id, role: 'MEMBER' }, t(member)), 403);
    // Moderators can change the room, but not delete it or hand out moderator rights.
    expect((await http.patch(app.api(`/rooms/${room.id}`), { name: 'Renamed' }, t(moderator))).status).toBe(200);
    expectProblem(await http.delete(app.api(`/rooms/${room.id}`), t(moderator)), 403);
    expectProblem(await http.post(app.api(`/rooms/${room.id}/members`), { userId: outsider.id, role: 'MODERATOR' }, t(moderator)), 403);
    expectProblem(await http.post(app.api(`/rooms/${room.id}/members`), { userId: outsider.id, role: 'OWNER' }, t(owner)), 400);
    expectProblem(await http.post(app.api(`/rooms/${room.id}/members`), { userId: member.id, role: 'MEMBER' }, t(owner)), 409, 'already-a-member');
    // Non-members see the card but not the inside.
    expectProblem(await http.get(app.api(`/rooms/${room.id}/messages`), t(outsider)), 403, 'not-a-room-member');
    expectProblem(await http.get(app.api(`/rooms/${room.id}/members`), t(outsider)), 403);
    expectProblem(await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'hi' }, t(outsider)), 403);
    // Guests read but do not post.
    expectProblem(await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'hi' }, t(guest)), 403);
    expect((await http.get(app.api(`/rooms/${room.id}/messages`), t(guest))).status).toBe(200);

    const members = await http.get(app.api(`/rooms/${room.id}/members`), t(guest));
    expect(members.body.items.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      [owner.id, 'OWNER'], [moderator.id, 'MODERATOR'], [member.id, 'MEMBER'], [guest.id, 'GUEST'],
    ]);
    expect(members.body.items[0].username).toBe(owner.username);

    // Role changes: moderators move members and guests; the owner's role only moves by transfer.
    expect((await http.patch(app.api(`/rooms/${room.id}/members/${guest.id}`), { role: 'MEMBER' }, t(moderator))).body.role).toBe('MEMBER');
    expectProblem(await http.patch(app.api(`/rooms/${room.id}/members/${guest.id}`), { role: 'MODERATOR' }, t(moderator)), 403);
    expectProblem(await http.patch(app.api(`/rooms/${room.id}/members/${owner.id}`), { role: 'MEMBER' }, t(owner)), 409, 'owner-role');
    // Removal: moderators remove members, not moderators or the owner; the owner cannot leave.
    expectProblem(await http.delete(app.api(`/rooms/${room.id}/members/${owner.id}`), t(moderator)), 403);
    expectProblem(await http.delete(app.api(`/rooms/${room.id}/members/${moderator.id}`), t(member)), 403);
    expect((await http.delete(app.api(`/rooms/${room.id}/members/${guest.id}`), t(moderator))).status).toBe(204);
    expectProblem(await http.delete(app.api(`/rooms/${room.id}/members/${guest.id}`), t(moderator)), 404);
    expectProblem(await http.post(app.api(`/rooms/${room.id}/leave`), {}, t(owner)), 409, 'owner-must-transfer');
    expect((await http.post(app.api(`/rooms/${room.id}/leave`), {}, t(member))).status).toBe(204);
    expectProblem(await http.post(app.api(`/rooms/${room.id}/leave`), {}, t(member)), 403);
  });

  it('adds only users of the same tenant', async () => {
    const other = await newTenant(app);
    const foreign = await newUser(app, { tenantId: other.id });
    const room = await newRoom(app, owner);
    expectProblem(await http.post(app.api(`/rooms/${room.id}/members`), { userId: foreign.id, role: 'MEMBER' }, t(owner)), 404);
    expectProblem(await http.post(app.api(`/rooms/${room.id}/members`), { userId: randomUUID(), role: 'MEMBER' }, t(owner)), 404);
  });

  it('transfers ownership to a member; the old owner becomes moderator', async () => {
    const room = await fullRoom();
    expectProblem(await http.post(app.api(`/rooms/${room.id}/transfer-ownership`), { userId: outsider.id }, t(owner)), 409, 'not-a-room-member');
    expectProblem(await http.post(app.api(`/rooms/${room.id}/transfer-ownership`), { userId: member.id }, t(moderator)), 403);
    const res = await http.post(app.api(`/rooms/${room.id}/transfer-ownership`), { userId: member.id }, t(owner));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ownerId: member.id, myRole: 'MODERATOR' });
    expect((await http.get(app.api(`/rooms/${room.id}`), t(member))).body.myRole).toBe('OWNER');
    expect((await http.post(app.api(`/rooms/${room.id}/leave`), {}, t(owner))).status).toBe(204);
    expectProblem(await http.delete(app.api(`/rooms/${room.id}`), t(owner)), 403);
    expect((await http.delete(app.api(`/rooms/${room.id}`), t(member))).status).toBe(204);
  });

  it('lets authors edit their own messages and moderators delete anyone’s', async () => {
    const room = await fullRoom();
    const mine = await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'hello' }, t(member));
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ authorId: member.id, kind: 'user', text: 'hello', editedAt: null, deleted: false });
    const url = app.api(`/rooms/${room.id}/messages/${mine.body.id}`);
    expectProblem(await http.patch(url, { text: 'hacked' }, t(moderator)), 403, 'not-message-author');
    const edited = await http.patch(url, { text: 'hello, edited' }, t(member));
    expect(edited.body).toMatchObject({ text: 'hello, edited', editedAt: expect.any(String) });
    // A member cannot delete another's message; a moderator can.
    const other = await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'by owner' }, t(owner));
    expectProblem(await http.delete(app.api(`/rooms/${room.id}/messages/${other.body.id}`), t(member)), 403);
    expect((await http.delete(url, t(moderator))).status).toBe(204);
    expectProblem(await http.patch(url, { text: 'again' }, t(member)), 409, 'message-deleted');
    const list = await http.get(app.api(`/rooms/${room.id}/messages`), t(member));
    expect(list.body.items.find((m: { id: string }) => m.id === mine.body.id)).toMatchObject({ deleted: true, text: '', deletedAt: expect.any(String) });
    const audit = await http.get(app.api(`/audit-logs?action=room.message.delete&resourceId=${mine.body.id}`), t(await adminUser(app)));
    expect(audit.body.items).toEqual([expect.objectContaining({ actorId: moderator.id, newValue: { byModerator: true } })]);
    // Authors delete their own.
    const third = await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'oops' }, t(member));
    expect((await http.delete(app.api(`/rooms/${room.id}/messages/${third.body.id}`), t(member))).status).toBe(204);
  });

  it('validates message text', async () => {
    const room = await newRoom(app, owner);
    const tooLong = await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'x'.repeat(4001) }, t(owner));
    expect(expectProblem(tooLong, 400).errors.map((e: { field: string }) => e.field)).toContain('text');
    expect((await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'x'.repeat(4000) }, t(owner))).status).toBe(201);
    expectProblem(await http.post(app.api(`/rooms/${room.id}/messages`), { text: '   ' }, t(owner)), 400);
    expectProblem(await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'x', clientMessageId: 'nope' }, t(owner)), 400);
  });

  it('makes a resend with the same clientMessageId idempotent', async () => {
    const room = await fullRoom();
    const clientMessageId = randomUUID();
    const first = await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'once', clientMessageId }, t(member));
    expect(first.status).toBe(201);
    const again = await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'once', clientMessageId }, t(member));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // Another author may use the same key.
    expect((await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'mine', clientMessageId }, t(owner))).status).toBe(201);
    const list = await http.get(app.api(`/rooms/${room.id}/messages`), t(member));
    expect(list.body.items).toHaveLength(2);
  });

  it('pages messages back and forth over 65 messages without gaps or duplicates', async () => {
    const room = await newRoom(app, owner);
    const posted: string[] = [];
    for (let i = 0; i < 65; i++) posted.push((await http.post(app.api(`/rooms/${room.id}/messages`), { text: `m${i}` }, t(owner))).body.id);

    const newest = await http.get(app.api(`/rooms/${room.id}/messages`), t(owner));
    expect(newest.body.items).toHaveLength(50);
    expect(newest.body.items[0].id).toBe(posted[64]);

    // Back: newest first, `before`.
    const back: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await http.get(
        app.api(`/rooms/${room.id}/messages?limit=7${cursor ? `&before=${cursor}` : ''}`), t(owner));
      back.push(...page.body.items.map((m) => m.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(back).toEqual([...posted].reverse());

    // Forward: oldest first, `after`.
    const forward: string[] = [posted[0]];
    cursor = posted[0];
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await http.get(
        app.api(`/rooms/${room.id}/messages?limit=9&after=${cursor}`), t(owner));
      forward.push(...page.body.items.map((m) => m.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(forward).toEqual(posted);
    expect((await http.get(app.api(`/rooms/${room.id}/messages?after=${posted[64]}`), t(owner))).body).toEqual({ items: [], nextCursor: null });

    // A message of another room is not an anchor; before and after do not mix.
    const other = await newRoom(app, owner);
    const foreign = (await http.post(app.api(`/rooms/${other.id}/messages`), { text: 'x' }, t(owner))).body.id;
    expect(expectProblem(await http.get(app.api(`/rooms/${room.id}/messages?before=${foreign}`), t(owner)), 400).errors[0].field).toBe('before');
    expectProblem(await http.get(app.api(`/rooms/${room.id}/messages?before=${posted[3]}&after=${posted[1]}`), t(owner)), 400);
    expectProblem(await http.get(app.api(`/rooms/${room.id}/messages?limit=101`), t(owner)), 400);
  });

  it("keeps a deleted user's messages with a null author", async () => {
    const admin = await adminUser(app);
    const leaving = await newUser(app);
    const room = await newRoom(app, owner, { members: [[leaving, 'MEMBER']] });
    const msg = await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'bye' }, t(leaving));
    expect((await http.delete(app.api(`/users/${leaving.id}`), t(admin))).status).toBe(204);
    const list = await http.get(app.api(`/rooms/${room.id}/messages`), t(owner));
    expect(list.body.items).toEqual([expect.objectContaining({ id: msg.body.id, authorId: null, text: 'bye', kind: 'user' })]);
    expect((await http.get(app.api(`/rooms/${room.id}/members`), t(owner))).body.items.map((m: { userId: string }) => m.userId)).toEqual([owner.id]);
    // An owner cannot be deleted while owning rooms.
    expectProblem(await http.delete(app.api(`/users/${owner.id}`), t(admin)), 409);
  });

  it('stores bot messages without author and emits events after commit', async () => {
    const room = await newRoom(app, owner);
    const seen: Array<{ roomId: string; kind: string }> = [];
    const off = onDomainEvent(app, 'room.message.posted', (e) => {
      seen.push({ roomId: e.roomId, kind: e.message.kind });
    });
    const removed: string[] = [];
    const offRemoved = onDomainEvent(app, 'room.member.removed', (e) => {
      removed.push(`${e.userId}:${e.reason}`);
    });
    try {
      const bot = await http.post(app.api(`/rooms/${room.id}/bot-messages`), { text: 'build passed', botName: 'CI' }, t(owner));
      expect(bot.status).toBe(201);
      expect(bot.body).toMatchObject({ authorId: null, kind: 'bot', botName: 'CI', text: 'build passed' });
      await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'human' }, t(owner));
      // A refused post emits nothing.
      await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'x' }, t(outsider));
      expect(seen).toEqual([{ roomId: room.id, kind: 'bot' }, { roomId: room.id, kind: 'user' }]);
      await addRoomMember(app, room.id, member, 'MEMBER', owner);
      await http.post(app.api(`/rooms/${room.id}/leave`), {}, t(member));
      expect(removed).toEqual([`${member.id}:left`]);
    } finally {
      off();
      offRemoved();
    }
  });

  it('takes bot messages from owners and moderators (an API key too), idempotently, audited; refuses members and bad input', async () => {
    const room = await fullRoom();
    const path = app.api(`/rooms/${room.id}/bot-messages`);
    const key = (await http.post(app.api('/me/api-keys'), { name: 'recorder', scope: 'write' }, t(moderator))).body.key as string;
    const clientMessageId = randomUUID();
    const first = await http.post(path, { text: 'Recording started', botName: 'Recorder', clientMessageId }, { headers: { 'x-api-key': key } });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String), roomId: room.id, authorId: null, kind: 'bot', botName: 'Recorder', text: 'Recording started', clientMessageId,
      deleted: false, createdAt: expect.any(String), editedAt: null, deletedAt: null,
    });
    // A resend (same key, any sender) is the stored message, with 200, and nothing new.
    const again = await http.post(path, { text: 'Recording started', botName: 'Recorder', clientMessageId }, t(owner));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // The same key in another room is another message; so is a member's message with the same key.
    const other = await newRoom(app, owner);
    expect((await http.post(app.api(`/rooms/${other.id}/bot-messages`), { text: 'x', botName: 'Recorder', clientMessageId }, t(owner))).status).toBe(201);
    const human = await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'me', clientMessageId }, t(member));
    expect(human.status).toBe(201);
    expect(human.body.id).not.toBe(first.body.id);
    const listed = (await http.get(app.api(`/rooms/${room.id}/messages`), t(guest))).body.items;
    expect(listed.map((m: { id: string }) => m.id)).toEqual([human.body.id, first.body.id]);

    // Members and guests may not post as a bot; non-members are not in the room.
    expectProblem(await http.post(path, { text: 'fake', botName: 'Recorder' }, t(member)), 403, 'room-permission-denied');
    expectProblem(await http.post(path, { text: 'fake', botName: 'Recorder' }, t(guest)), 403, 'room-permission-denied');
    expectProblem(await http.post(path, { text: 'fake', botName: 'Recorder' }, t(outsider)), 403, 'not-a-room-member');
    // A bot message has no author: nobody edits it, moderators delete it.
    expectProblem(await http.patch(app.api(`/rooms/${room.id}/messages/${first.body.id}`), { text: 'edited' }, t(moderator)), 403, 'not-message-author');
    expectProblem(await http.delete(app.api(`/rooms/${room.id}/messages/${first.body.id}`), t(member)), 403, 'room-permission-denied');
    expect((await http.delete(app.api(`/rooms/${room.id}/messages/${first.body.id}`), t(moderator))).status).toBe(204);

    const bad = async (body: Record<string, unknown>, field: string) => {
      const problem = expectProblem(await http.post(path, body, t(owner)), 400, 'validation-failed');
      expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
    };
    await bad({ text: 'no name' }, 'botName');
    await bad({ text: 'blank name', botName: '   ' }, 'botName');
    await bad({ text: 'long name', botName: 'b'.repeat(65) }, 'botName');
    await bad({ text: 'x'.repeat(4001), botName: 'CI' }, 'text');
    await bad({ text: 'hi', botName: 'CI', authorId: owner.id }, 'authorId');
    await bad({ text: 'hi', botName: 'CI', clientMessageId: 'not-a-uuid' }, 'clientMessageId');
    expectProblem(await http.post(app.api(`/rooms/${randomUUID()}/bot-messages`), { text: 'x', botName: 'CI' }, t(owner)), 404);

    // Who posted it is in the audit log (the message row has no author), once.
    const audit = await http.get(app.api(`/audit-logs?action=room.message.bot-post&resourceId=${first.body.id}`), t(await adminUser(app)));
    expect(audit.body.items).toEqual([expect.objectContaining({ actorId: moderator.id, resourceId: first.body.id, newValue: { roomId: room.id, botName: 'Recorder' } })]);
  });
});

describe('rooms: tenant isolation', () => {
  let app: TestApp;
  let ownerA: TestUser;
  let memberA: TestUser;
  let adminB: TestUser;
  let userB: TestUser;

  beforeAll(async () => {
    app = await startTestApp();
    const a = await newTenant(app);
    const b = await newTenant(app);
    ownerA = await newUser(app, { tenantId: a.id });
    memberA = await newUser(app, { tenantId: a.id });
    adminB = await newUser(app, { tenantId: b.id, tenantRole: 'admin' });
    userB = await newUser(app, { tenantId: b.id });
  });
  afterAll(() => app.close());

  it("answers 404 to every room route aimed at another tenant's room, and changes nothing", async () => {
    const room = await newRoom(app, ownerA, { body: { name: 'A only' }, members: [[memberA, 'MEMBER']] });
    const msg = (await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'secret plans' }, { token: memberA.accessToken })).body;
    const before = {
      room: (await http.get(app.api(`/rooms/${room.id}`), { token: ownerA.accessToken })).body,
      members: (await http.get(app.api(`/rooms/${room.id}/members`), { token: ownerA.accessToken })).body,
      messages: (await http.get(app.api(`/rooms/${room.id}/messages`), { token: ownerA.accessToken })).body,
    };

    for (const user of [adminB, userB]) {
      const o = { token: user.accessToken };
      const r = `/rooms/${room.id}`;
      expect((await http.get(app.api('/rooms'), o)).body.items).toEqual([]);
      expectProblem(await http.get(app.api(r), o), 404);
      expectProblem(await http.patch(app.api(r), { name: 'pwned' }, o), 404);
      expectProblem(await http.delete(app.api(r), o), 404);
      expectProblem(await http.post(app.api(`${r}/transfer-ownership`), { userId: user.id }, o), 404);
      expectProblem(await http.get(app.api(`${r}/members`), o), 404);
      expectProblem(await http.post(app.api(`${r}/members`), { userId: user.id, role: 'MEMBER' }, o), 404);
      expectProblem(await http.patch(app.api(`${r}/members/${memberA.id}`), { role: 'GUEST' }, o), 404);
      expectProblem(await http.delete(app.api(`${r}/members/${memberA.id}`), o), 404);
      expectProblem(await http.post(app.api(`${r}/leave`), {}, o), 404);
      expectProblem(await http.get(app.api(`${r}/messages`), o), 404);
      expectProblem(await http.post(app.api(`${r}/messages`), { text: 'hi' }, o), 404);
      expectProblem(await http.post(app.api(`${r}/bot-messages`), { text: 'hi', botName: 'bot' }, o), 404);
      expectProblem(await http.patch(app.api(`${r}/messages/${msg.id}`), { text: 'x' }, o), 404);
      expectProblem(await http.delete(app.api(`${r}/messages/${msg.id}`), o), 404);
    }
    // B cannot add A's user to its own room either.
    const roomB = await newRoom(app, userB, { body: { name: 'B' } });
    expectProblem(await http.post(app.api(`/rooms/${roomB.id}/members`), { userId: memberA.id, role: 'MEMBER' }, { token: userB.accessToken }), 404);
    // A's room list is untouched.
    expect((await http.get(app.api('/rooms'), { token: ownerA.accessToken })).body.items.map((x: { id: string }) => x.id)).toEqual([room.id]);

    expect((await http.get(app.api(`/rooms/${room.id}`), { token: ownerA.accessToken })).body).toEqual(before.room);
    expect((await http.get(app.api(`/rooms/${room.id}/members`), { token: ownerA.accessToken })).body).toEqual(before.members);
    expect((await http.get(app.api(`/rooms/${room.id}/messages`), { token: ownerA.accessToken })).body).toEqual(before.messages);
  });
});
