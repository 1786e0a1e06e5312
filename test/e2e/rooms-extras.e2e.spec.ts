import { randomUUID } from 'node:crypto';
import { expectProblem, http } from '../helpers/http';
import { TestUser, adminUser, newRoom, newTenant, newUser } from '../helpers/factory';
import { TestApp, startTestApp } from '../helpers/test-app';

/** Runs the requests one after the other. */
async function sequential<T>(calls: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = [];
  for (const call of calls) out.push(await call());
  return out;
}

/** Transcripts, invites, SIP, streaming targets, dashboard panels and module resources (issue 4 items 4-6). */
describe('room extras REST', () => {
  let app: TestApp;
  let owner: TestUser;
  let moderator: TestUser;
  let member: TestUser;
  let guest: TestUser;
  let outsider: TestUser;
  let foreign: TestUser;
  let admin: TestUser;

  const t = (u: TestUser) => ({ token: u.accessToken });
  const fields = (res: Parameters<typeof expectProblem>[0]) => (expectProblem(res, 400).errors as Array<{ field: string }>).map((e) => e.field);
  /** The id of a new room of `type` with owner, moderator, member and guest. */
  const createRoom = async (type = 'CHAT') => (await newRoom(app, owner, { body: { type }, members: [[moderator, 'MODERATOR'], [member, 'MEMBER'], [guest, 'GUEST']] })).id;
  const auditOf = async (resourceId: string) => (await http.get(app.api(`/audit-logs?resourceId=${resourceId}`), t(admin))).body.items as Array<{ action: string }>;

  beforeAll(async () => {
    app = await startTestApp();
    owner = await newUser(app);
    moderator = await newUser(app);
    member = await newUser(app);
    guest = await newUser(app);
    outsider = await newUser(app);
    admin = await adminUser(app);
    foreign = await newUser(app, { tenantId: (await newTenant(app)).id });
  });
  afterAll(() => app.close());

  describe('transcripts', () => {
    it('appends segments, lists them in order and exports txt and valid WebVTT', async () => {
      const room = await createRoom('CALL');
      const url = app.api(`/rooms/${room}/transcripts`);
      const first = await http.post(url, { text: 'Hello everyone', startedAt: 0, endedAt: 1500, speakerUserId: owner.id, language: 'en' }, t(member));
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ roomId: room, authorId: member.id, speakerUserId: owner.id, text: 'Hello everyone', startedAt: 0, endedAt: 1500, language: 'en' });
      expect((await http.post(url, { text: 'Second --> line', startedAt: 3723004, endedAt: 3725000 }, t(owner))).status).toBe(201);
      expect((await http.post(url, { text: 'no times' }, t(moderator))).status).toBe(201);

      const page1 = await http.get(`${url}?limit=2`, t(guest));
      expect(page1.body.items.map((s: { text: string }) => s.text)).toEqual(['Hello everyone', 'Second --> line']);
      const page2 = await http.get(`${url}?limit=2&cursor=${page1.body.nextCursor}`, t(guest));
      expect(page2.body).toMatchObject({ items: [{ text: 'no times' }], nextCursor: null });

      const vtt = await http.get(`${url}/export?format=vtt`, t(guest));
      expect(vtt.status).toBe(200);
      expect(vtt.headers.get('content-type')).toMatch(/^text\/vtt/);
      expect(vtt.text).toBe(
        'WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\nHello everyone\n\n2\n01:02:03.004 --> 01:02:05.000\nSecond -> line\n\n3\n01:02:05.000 --> 01:02:07.000\nno times\n',
      );
      for (const cue of vtt.text.split('\n\n').slice(1)) expect(cue.split('\n')[1]).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}$/);
      const txt = await http.get(`${url}/export`, t(member));
      expect(txt.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(txt.text).toBe('[00:00:00.000] Hello everyone\n[01:02:03.004] Second --> line\nno times\n');
      expect((await auditOf(first.body.id)).map((e) => e.action)).toEqual(['room.transcript.append']);
    });

    it('accepts an API key acting for a member (a recognition service)', async () => {
      const room = await createRoom('CALL');
      const key = await http.post(app.api('/me/api-keys'), { name: 'asr', scope: 'write' }, t(member));
      expect(key.status).toBe(201);
      const res = await http.post(app.api(`/rooms/${room}/transcripts`), { text: 'recognized' }, { headers: { 'x-api-key': key.body.key } });
      expect(res.status).toBe(201);
      expect(res.body.authorId).toBe(member.id);
    });

    it('enforces roles and validates input', async () => {
      const room = await createRoom('CALL');
      const url = app.api(`/rooms/${room}/transcripts`);
      expectProblem(await http.post(url, { text: 'x' }, t(guest)), 403, 'room-permission-denied');
      expectProblem(await http.post(url, { text: 'x' }, t(outsider)), 403, 'not-a-room-member');
      expectProblem(await http.get(url, t(outsider)), 403);
      expect(fields(await http.post(url, { text: 'x'.repeat(4001) }, t(member)))).toContain('text');
      expect(fields(await http.post(url, { text: '' }, t(member)))).toContain('text');
      expect(fields(await http.post(url, { text: 'x', startedAt: 10, endedAt: 5 }, t(member)))).toEqual(['endedAt']);
      expect(fields(await http.post(url, { text: 'x', startedAt: -1 }, t(member)))).toEqual(['startedAt']);
      expect(fields(await http.post(url, { text: 'x', speakerUserId: outsider.id }, t(member)))).toEqual(['speakerUserId']);
      expect(fields(await http.get(`${url}/export?format=pdf`, t(member)))).toEqual(['format']);
      expect((await http.get(url, t(member))).body.items).toEqual([]);
    });
  });

  describe('invites', () => {
    it('creates, lists, redeems and deactivates invites', async () => {
      const room = await createRoom();
      const created = await http.post(app.api(`/rooms/${room}/invites`), { role: 'GUEST', maxUses: 5, expiresAt: new Date(Date.now() + 3600_000).toISOString() }, t(moderator));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ roomId: room, role: 'GUEST', active: true, maxUses: 5, uses: 0, createdBy: moderator.id });
      expect(created.body.code).toMatch(/^[A-HJKMNP-Z2-9]{12}$/);
      const code = created.body.code as string;

      const joined = await http.post(app.api(`/invites/${code}/redeem`), {}, t(outsider));
      expect(joined.status).toBe(201);
      expect(joined.body).toEqual({ roomId: room, role: 'GUEST', joined: true });
      expect((await http.get(app.api(`/rooms/${room}`), t(outsider))).body.myRole).toBe('GUEST');
      // Already a member: 200, nothing counted.
      const again = await http.post(app.api(`/invites/${code}/redeem`), {}, t(outsider));
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ roomId: room, role: 'GUEST', joined: false });
      expect((await http.post(app.api(`/invites/${code}/redeem`), {}, t(member))).body).toEqual({ roomId: room, role: 'MEMBER', joined: false });

      const list = await http.get(app.api(`/rooms/${room}/invites`), t(owner));
      expect(list.body.items).toEqual([expect.objectContaining({ id: created.body.id, uses: 1 })]);

      expect((await http.delete(app.api(`/rooms/${room}/invites/${created.body.id}`), t(moderator))).status).toBe(204);
      const late = await newUser(app);
      expectProblem(await http.post(app.api(`/invites/${code}/redeem`), {}, t(late)), 410, 'invite-inactive');
      expect((await http.get(app.api(`/rooms/${room}/invites`), t(owner))).body.items[0].active).toBe(false);
      expect((await auditOf(created.body.id)).map((e) => e.action).sort()).toEqual(['room.invite.create', 'room.invite.deactivate']);
      expect((await auditOf(room)).map((e) => e.action)).toContain('room.invite.redeem');
    });

    it('refuses expired, used-up and unknown invites and never exceeds maxUses under concurrency', async () => {
      const room = await createRoom();
      const limited = (await http.post(app.api(`/rooms/${room}/invites`), { maxUses: 3 }, t(owner))).body;
      const users: TestUser[] = [];
      for (let i = 0; i < 8; i++) users.push(await newUser(app));
      const redeem = (u: TestUser) => http.post(app.api(`/invites/${limited.code}/redeem`), {}, t(u));
      // In parallel against PostgreSQL. The embedded PGlite socket server mixes up concurrent
      // connections ("portal does not exist", in the auth guard already): one request at a time there.
      const results = process.env.DATABASE_URL ? await Promise.all(users.map(redeem)) : await sequential(users.map((u) => () => redeem(u)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 201, 201, 409, 409, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expectProblem(r, 409, 'invite-used-up');
      const listed = (await http.get(app.api(`/rooms/${room}/invites`), t(owner))).body.items[0];
      expect(listed.uses).toBe(3);
      const members = await http.get(app.api(`/rooms/${room}/members?limit=100`), t(owner));
      expect(members.body.items).toHaveLength(4 + 3);

      const expiring = (await http.post(app.api(`/rooms/${room}/invites`), { expiresAt: new Date(Date.now() + 1500).toISOString() }, t(owner))).body;
      await new Promise((r) => setTimeout(r, 1700));
      expectProblem(await http.post(app.api(`/invites/${expiring.code}/redeem`), {}, t(outsider)), 410, 'invite-expired');
      expectProblem(await http.post(app.api('/invites/ABCDEFGHJKMN/redeem'), {}, t(outsider)), 404);
      expectProblem(await http.post(app.api('/invites/nope/redeem'), {}, t(outsider)), 404);
    });

    it('enforces roles and validates input', async () => {
      const room = await createRoom();
      const url = app.api(`/rooms/${room}/invites`);
      expectProblem(await http.post(url, {}, t(member)), 403, 'room-permission-denied');
      expectProblem(await http.get(url, t(member)), 403);
      expectProblem(await http.post(url, {}, t(outsider)), 403, 'not-a-room-member');
      expect(fields(await http.post(url, { role: 'MODERATOR' }, t(owner)))).toEqual(['role']);
      expect(fields(await http.post(url, { role: 'OWNER' }, t(owner)))).toEqual(['role']);
      expect(fields(await http.post(url, { maxUses: 0 }, t(owner)))).toEqual(['maxUses']);
      expect(fields(await http.post(url, { expiresAt: '2001-01-01T00:00:00Z' }, t(owner)))).toEqual(['expiresAt']);
      expect(fields(await http.post(url, { expiresAt: 'soon' }, t(owner)))).toEqual(['expiresAt']);
      expect((await http.post(url, {}, t(owner))).body.role).toBe('MEMBER');
    });
  });

  describe('SIP', () => {
    it('stores the PIN sealed, shows it to moderators and masks it for members', async () => {
      const room = await createRoom('CALL');
      const url = app.api(`/rooms/${room}/sip`);
      expectProblem(await http.get(url, t(owner)), 404);
      const dialIn = `49${Date.now()}`;
      const put = await http.put(url, { dialInNumberId: dialIn, pin: '482913', lobby: true }, t(moderator));
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ dialInNumberId: dialIn, pin: '482913', lobby: true });
      expect((await http.get(url, t(owner))).body.pin).toBe('482913');
      // A PIN is short: no digit of it shows.
      expect((await http.get(url, t(member))).body).toMatchObject({ dialInNumberId: dialIn, pin: '••••••••', lobby: true });
      expect((await http.get(url, t(guest))).body.pin).toBe('••••••••');
      expect((await http.put(url, { dialInNumberId: dialIn, pin: '1111', lobby: false }, t(owner))).body).toMatchObject({ pin: '1111', lobby: false });

      // The dial-in id is unique across rooms.
      const other = await createRoom('CALL');
      expectProblem(await http.put(app.api(`/rooms/${other}/sip`), { dialInNumberId: dialIn, pin: '1234', lobby: false }, t(owner)), 409, 'dial-in-number-taken');

      const audit = await auditOf(room);
      expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['room.sip.create', 'room.sip.update']));
      expect(JSON.stringify(audit)).not.toMatch(/482913|"1111"/);

      expect((await http.delete(url, t(moderator))).status).toBe(204);
      expectProblem(await http.get(url, t(owner)), 404);
    });

    it('enforces roles and validates input', async () => {
      const room = await createRoom('CALL');
      const url = app.api(`/rooms/${room}/sip`);
      expectProblem(await http.put(url, { dialInNumberId: 'x1', pin: '1234', lobby: false }, t(member)), 403, 'room-permission-denied');
      expectProblem(await http.delete(url, t(member)), 403);
      expectProblem(await http.get(url, t(outsider)), 403);
      expect(fields(await http.put(url, { dialInNumberId: 'x1', pin: '12ab', lobby: false }, t(owner)))).toEqual(['pin']);
      expect(fields(await http.put(url, { dialInNumberId: 'has space', pin: '1234', lobby: false }, t(owner)))).toEqual(['dialInNumberId']);
      expect(fields(await http.put(url, { dialInNumberId: 'x1', pin: '1234' }, t(owner)))).toEqual(['lobby']);
    });
  });

  describe('streaming targets', () => {
    it('stores the stream key sealed and always returns it masked', async () => {
      const room = await createRoom('CALL');
      const url = app.api(`/rooms/${room}/streaming-targets`);
      const created = await http.post(url, { name: 'YouTube', kind: 'rtmps', ingestUrl: 'rtmps://a.rtmp.youtube.com/live2', streamKey: 'sk-live-secret-abcd', publicUrl: 'https://youtu.be/x' }, t(moderator));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'YouTube', kind: 'rtmps', ingestUrl: 'rtmps://a.rtmp.youtube.com/live2', streamKey: '••••••••abcd', publicUrl: 'https://youtu.be/x' });
      expect(created.text).not.toContain('sk-live-secret');
      const id = created.body.id as string;
      const list = await http.get(url, t(member));
      expect(list.body.items).toEqual([created.body]);
      expect(list.text).not.toContain('sk-live-secret');

      const patched = await http.patch(`${url}/${id}`, { streamKey: 'another-key-wxyz', publicUrl: null, kind: 'srt', ingestUrl: 'srt://ingest.example.com:9000' }, t(owner));
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ streamKey: '••••••••wxyz', publicUrl: null, kind: 'srt', name: 'YouTube' });
      expect(patched.text).not.toContain('another-key');

      const audit = await auditOf(id);
      expect(audit.map((e) => e.action).sort()).toEqual(['room.streaming-target.create', 'room.streaming-target.update']);
      expect(JSON.stringify(audit)).not.toMatch(/sk-live-secret|another-key/);

      // A short key is masked whole: its last four characters would be all of it.
      for (const short of ['Qz7k', 'Qz7k9x']) {
        const shortKey = await http.patch(`${url}/${id}`, { streamKey: short }, t(owner));
        expect(shortKey.body.streamKey).toBe('••••••••');
        expect(shortKey.text).not.toContain('Qz7k');
      }

      expect((await http.delete(`${url}/${id}`, t(moderator))).status).toBe(204);
      expectProblem(await http.delete(`${url}/${id}`, t(moderator)), 404);
    });

    it('enforces roles and validates input', async () => {
      const room = await createRoom('CALL');
      const url = app.api(`/rooms/${room}/streaming-targets`);
      const body = { name: 'T', kind: 'rtmp', ingestUrl: 'rtmp://live.example.com/app', streamKey: 'k-1234' };
      expectProblem(await http.post(url, body, t(member)), 403, 'room-permission-denied');
      expectProblem(await http.get(url, t(outsider)), 403);
      expect(fields(await http.post(url, { ...body, kind: 'hls' }, t(owner)))).toEqual(['kind']);
      expect(fields(await http.post(url, { ...body, ingestUrl: 'ftp://x' }, t(owner)))).toEqual(['ingestUrl']);
      expect(fields(await http.post(url, { ...body, streamKey: '' }, t(owner)))).toEqual(['streamKey']);
      const id = (await http.post(url, body, t(owner))).body.id;
      expectProblem(await http.patch(`${url}/${id}`, { name: 'x' }, t(member)), 403);
      expect(fields(await http.patch(`${url}/${id}`, { publicUrl: 'javascript:alert(1)' }, t(owner)))).toEqual(['publicUrl']);
    });
  });

  describe('dashboard panels', () => {
    it('creates, lists, changes and removes panels of dashboard rooms', async () => {
      const room = await createRoom('DASHBOARD');
      const url = app.api(`/rooms/${room}/panels`);
      const created = await http.post(url, { name: 'CPU', layout: { x: 0, y: 0, w: 4, h: 3 }, config: { chart: 'line', series: [1, 2] } }, t(member));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ roomId: room, name: 'CPU', layout: { x: 0, y: 0, w: 4, h: 3 }, config: { chart: 'line', series: [1, 2] } });
      const id = created.body.id as string;
      expect((await http.get(url, t(guest))).body.items).toEqual([created.body]);
      const patched = await http.patch(`${url}/${id}`, { layout: { x: 4, y: 0, w: 2, h: 2 } }, t(member));
      expect(patched.body).toMatchObject({ layout: { x: 4, y: 0, w: 2, h: 2 }, config: { chart: 'line' } });
      expect((await auditOf(id)).map((e) => e.action).sort()).toEqual(['room.panel.create', 'room.panel.update']);
      expect((await http.delete(`${url}/${id}`, t(moderator))).status).toBe(204);
      expect((await http.get(url, t(guest))).body.items).toEqual([]);
    });

    it('refuses non-dashboard rooms, guests and bad input', async () => {
      const chat = await createRoom('CHAT');
      expectProblem(await http.post(app.api(`/rooms/${chat}/panels`), { name: 'x', layout: { x: 0, y: 0, w: 1, h: 1 } }, t(owner)), 409, 'not-a-dashboard-room');
      expectProblem(await http.get(app.api(`/rooms/${chat}/panels`), t(owner)), 409, 'not-a-dashboard-room');
      const room = await createRoom('DASHBOARD');
      const url = app.api(`/rooms/${room}/panels`);
      expectProblem(await http.post(url, { name: 'x', layout: { x: 0, y: 0, w: 1, h: 1 } }, t(guest)), 403, 'room-permission-denied');
      expect(fields(await http.post(url, { name: 'x', layout: { x: 0.5, y: 0, w: 1, h: 1 } }, t(owner)))).toEqual(['layout.x']);
      expect(fields(await http.post(url, { name: 'x', layout: { x: 0, y: 0, w: 0, h: 1 } }, t(owner)))).toEqual(['layout.w']);
      expect(fields(await http.post(url, { name: 'x' }, t(owner)))).toContain('layout');
      expect(fields(await http.post(url, { name: 'x', layout: { x: 0, y: 0, w: 1, h: 1 }, config: [1] }, t(owner)))).toEqual(['config']);
      expect(fields(await http.post(url, { name: 'x', layout: { x: 0, y: 0, w: 1, h: 1 }, config: { blob: 'x'.repeat(16 * 1024) } }, t(owner)))).toEqual(['config']);
    });
  });

  describe('module resources', () => {
    it('stores, filters, gets, patches (RFC 6902) and deletes resources', async () => {
      const room = await createRoom();
      const url = app.api(`/rooms/${room}/module-resources`);
      const created = await http.post(url, { namespace: 'whiteboard', tag: 'main', data: { shapes: [], title: 'Board' } }, t(member));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ roomId: room, namespace: 'whiteboard', tag: 'main', data: { shapes: [], title: 'Board' }, createdBy: member.id });
      const id = created.body.id as string;
      await http.post(url, { namespace: 'poll', data: {} }, t(member));
      expect((await http.get(`${url}?namespace=whiteboard`, t(guest))).body.items.map((r: { id: string }) => r.id)).toEqual([id]);
      expect((await http.get(`${url}/${id}`, t(guest))).body).toEqual(created.body);

      const ops = [
        { op: 'test', path: '/title', value: 'Board' },
        { op: 'add', path: '/shapes/-', value: { kind: 'rect' } },
        { op: 'replace', path: '/title', value: 'Renamed' },
      ];
      const patched = await http.patch(`${url}/${id}`, undefined, { token: owner.accessToken, headers: { 'content-type': 'application/json-patch+json' }, raw: JSON.stringify(ops) });
      expect(patched.status).toBe(200);
      expect(patched.body.data).toEqual({ shapes: [{ kind: 'rect' }], title: 'Renamed' });
      // application/json with an array body works too.
      expect((await http.patch(`${url}/${id}`, [{ op: 'remove', path: '/shapes/0' }], t(member))).body.data).toEqual({ shapes: [], title: 'Renamed' });

      // A failed test changes nothing (422); bad operations and paths are a 400.
      expectProblem(await http.patch(`${url}/${id}`, [{ op: 'replace', path: '/title', value: 'X' }, { op: 'test', path: '/title', value: 'nope' }], t(member)), 422, 'patch-test-failed');
      expect(fields(await http.patch(`${url}/${id}`, [{ op: 'replace', path: '/missing/deep', value: 1 }], t(member)))).toEqual(['[0].path']);
      expect(fields(await http.patch(`${url}/${id}`, [{ op: 'add', path: '/a', value: 1 }, { op: 'jump', path: '/x' }], t(member)))).toEqual(['[1].op']);
      expect(fields(await http.patch(`${url}/${id}`, { op: 'add', path: '/a', value: 1 }, t(member)))).toEqual(['body']);
      expect(fields(await http.patch(`${url}/${id}`, [{ op: 'replace', path: '', value: [1] }], t(member)))).toEqual(['body']);
      // The prototype chain is no part of a document, and a value cannot move into itself.
      expect(fields(await http.patch(`${url}/${id}`, [{ op: 'add', path: '/__proto__/polluted', value: true }], t(member)))).toEqual(['[0].path']);
      expect(fields(await http.patch(`${url}/${id}`, [{ op: 'copy', from: '/constructor/prototype', path: '/x' }], t(member)))).toEqual(['[0].from']);
      expect(fields(await http.patch(`${url}/${id}`, [{ op: 'move', from: '/shapes', path: '/shapes/0' }], t(member)))).toEqual(['[0].path']);
      expectProblem(await http.patch(`${url}/${id}`, undefined, { token: member.accessToken, headers: { 'content-type': 'application/json-patch+json' }, raw: '[{' }), 400);
      expect((await http.get(`${url}/${id}`, t(member))).body.data).toEqual({ shapes: [], title: 'Renamed' });

      expect((await auditOf(id)).map((e) => e.action).sort()).toEqual(['room.module-resource.create', 'room.module-resource.patch', 'room.module-resource.patch']);
      expect((await http.delete(`${url}/${id}`, t(member))).status).toBe(204);
      expectProblem(await http.get(`${url}/${id}`, t(member)), 404);
    });

    it('enforces roles and validates input', async () => {
      const room = await createRoom();
      const url = app.api(`/rooms/${room}/module-resources`);
      expectProblem(await http.post(url, { namespace: 'x', data: {} }, t(guest)), 403, 'room-permission-denied');
      expectProblem(await http.get(url, t(outsider)), 403);
      expect(fields(await http.post(url, { namespace: 'Bad Name', data: {} }, t(member)))).toEqual(['namespace']);
      expect(fields(await http.post(url, { namespace: 'x', data: 'str' }, t(member)))).toEqual(['data']);
      const id = (await http.post(url, { namespace: 'x', data: {} }, t(member))).body.id;
      expectProblem(await http.patch(`${url}/${id}`, [{ op: 'add', path: '/a', value: 1 }], t(guest)), 403);
      expectProblem(await http.delete(`${url}/${id}`, t(guest)), 403);
    });
  });

  it('answers 404 for every route on another tenant’s room and changes nothing', async () => {
    const call = await createRoom('CALL');
    const dash = await createRoom('DASHBOARD');
    const invite = (await http.post(app.api(`/rooms/${call}/invites`), {}, t(owner))).body;
    await http.put(app.api(`/rooms/${call}/sip`), { dialInNumberId: `t${Date.now()}`, pin: '9999', lobby: false }, t(owner));
    const target = (await http.post(app.api(`/rooms/${call}/streaming-targets`), { name: 'T', kind: 'rtmp', ingestUrl: 'rtmp://x.example.com/a', streamKey: 'key-1234' }, t(owner))).body;
    const panel = (await http.post(app.api(`/rooms/${dash}/panels`), { name: 'P', layout: { x: 0, y: 0, w: 1, h: 1 } }, t(owner))).body;
    const resource = (await http.post(app.api(`/rooms/${call}/module-resources`), { namespace: 'n', data: { a: 1 } }, t(owner))).body;
    const before = async () => JSON.stringify(await sequential([
      () => http.get(app.api(`/rooms/${call}/transcripts`), t(owner)), () => http.get(app.api(`/rooms/${call}/invites`), t(owner)),
      () => http.get(app.api(`/rooms/${call}/sip`), t(owner)), () => http.get(app.api(`/rooms/${call}/streaming-targets`), t(owner)),
      () => http.get(app.api(`/rooms/${dash}/panels`), t(owner)), () => http.get(app.api(`/rooms/${call}/module-resources`), t(owner)),
      () => http.get(app.api(`/rooms/${call}/members`), t(owner)),
    ]).then((all) => all.map((r) => r.body)));
    const snapshot = await before();

    const f = t(foreign);
    const responses = await sequential([
      () => http.get(app.api(`/rooms/${call}/transcripts`), f),
      () => http.get(app.api(`/rooms/${call}/transcripts/export?format=vtt`), f),
      () => http.post(app.api(`/rooms/${call}/transcripts`), { text: 'x' }, f),
      () => http.get(app.api(`/rooms/${call}/invites`), f),
      () => http.post(app.api(`/rooms/${call}/invites`), {}, f),
      () => http.delete(app.api(`/rooms/${call}/invites/${invite.id}`), f),
      () => http.post(app.api(`/invites/${invite.code}/redeem`), {}, f),
      () => http.get(app.api(`/rooms/${call}/sip`), f),
      () => http.put(app.api(`/rooms/${call}/sip`), { dialInNumberId: 'zz9', pin: '1234', lobby: true }, f),
      () => http.delete(app.api(`/rooms/${call}/sip`), f),
      () => http.get(app.api(`/rooms/${call}/streaming-targets`), f),
      () => http.post(app.api(`/rooms/${call}/streaming-targets`), { name: 'T', kind: 'rtmp', ingestUrl: 'rtmp://x.example.com/a', streamKey: 'k' }, f),
      () => http.patch(app.api(`/rooms/${call}/streaming-targets/${target.id}`), { name: 'hacked' }, f),
      () => http.delete(app.api(`/rooms/${call}/streaming-targets/${target.id}`), f),
      () => http.get(app.api(`/rooms/${dash}/panels`), f),
      () => http.post(app.api(`/rooms/${dash}/panels`), { name: 'P', layout: { x: 0, y: 0, w: 1, h: 1 } }, f),
      () => http.patch(app.api(`/rooms/${dash}/panels/${panel.id}`), { name: 'hacked' }, f),
      () => http.delete(app.api(`/rooms/${dash}/panels/${panel.id}`), f),
      () => http.get(app.api(`/rooms/${call}/module-resources`), f),
      () => http.post(app.api(`/rooms/${call}/module-resources`), { namespace: 'n', data: {} }, f),
      () => http.get(app.api(`/rooms/${call}/module-resources/${resource.id}`), f),
      () => http.patch(app.api(`/rooms/${call}/module-resources/${resource.id}`), [{ op: 'replace', path: '/a', value: 2 }], f),
      () => http.delete(app.api(`/rooms/${call}/module-resources/${resource.id}`), f),
    ]);
    for (const res of responses) expectProblem(res, 404);
    expect(await before()).toBe(snapshot);
    expectProblem(await http.delete(app.api(`/rooms/${call}/invites/${randomUUID()}`), t(owner)), 404);
  });
});
