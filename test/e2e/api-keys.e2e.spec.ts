import { adminUser, login, newRoom, newUser, TestUser } from '../helpers/factory';
import { expectProblem, http, request } from '../helpers/http';
import { TestSmtp, startSmtpServer, tokenFrom } from '../helpers/smtp';
import { emitAck, handshakeOutcome, roomsSocket, serverDrop } from '../helpers/sockets';
import { TestApp, startTestApp } from '../helpers/test-app';

const DAY_MS = 86_400_000;
const NEW_PASSWORD = 'Fresh-staple-battery-42';

/** API keys over real HTTP and Socket.IO: scopes, credential management, lifetime, revocation with the user's credentials. */
describe('API keys', () => {
  let smtp: TestSmtp;
  let app: TestApp;
  const sockets: Array<ReturnType<typeof roomsSocket>> = [];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ SMTP_URL: smtp.url, API_KEY_MAX_TTL_DAYS: 30 });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await app?.close();
    await smtp?.close();
  });

  const newKey = async (user: TestUser, body: Record<string, unknown> = {}): Promise<{ id: string; key: string; scope: string; expiresAt: string | null }> => {
    const res = await http.post(app.api('/me/api-keys'), { name: 'k', ...body }, { token: user.accessToken });
    expect(res.status).toBe(201);
    return res.body;
  };
  const socketWith = (credential: string) => {
    const socket = roomsSocket(app.url, credential);
    sockets.push(socket);
    return socket;
  };

  it('is shown once, works as Bearer and X-API-Key, records last use, and dies at once when revoked', async () => {
    const user = await newUser(app);
    const created = await http.post(app.api('/me/api-keys'), { name: 'ci' }, { token: user.accessToken });
    expect(created.status).toBe(201);
    const { key, id, prefix } = created.body;
    expect(key.startsWith(prefix)).toBe(true);
    // Least privilege by default, and no key without an end.
    expect(created.body.scope).toBe('read');
    expect(Math.abs(Date.parse(created.body.expiresAt) - (Date.now() + 30 * DAY_MS))).toBeLessThan(60_000);

    const list = await http.get(app.api('/me/api-keys'), { token: user.accessToken });
    expect(list.body.items).toEqual([expect.objectContaining({ id, prefix, name: 'ci', scope: 'read' })]);
    expect(list.text).not.toContain(key);

    expect((await http.get(app.api('/me'), { token: key })).body.id).toBe(user.id);
    expect((await http.get(app.api('/me'), { headers: { 'x-api-key': key } })).body.id).toBe(user.id);
    const used = await http.get(app.api('/me/api-keys'), { token: user.accessToken });
    expect(used.body.items[0].lastUsedAt).not.toBeNull();

    expect((await http.delete(app.api(`/me/api-keys/${id}`), { token: user.accessToken })).status).toBe(204);
    expectProblem(await http.get(app.api('/me'), { token: key }), 401, 'invalid-api-key');
    expectProblem(await http.get(app.api('/me'), { headers: { 'x-api-key': key } }), 401, 'invalid-api-key');
  });

  it("cannot revoke another user's key", async () => {
    const a = await newUser(app);
    const b = await newUser(app);
    const key = await newKey(a);
    expectProblem(await http.delete(app.api(`/me/api-keys/${key.id}`), { token: b.accessToken }), 404);
    expect((await http.get(app.api('/me'), { token: key.key })).status).toBe(200);
  });

  it('a read key reads and changes nothing, over HTTP and Socket.IO; a write key changes what its user may', async () => {
    const user = await newUser(app);
    const read = await newKey(user, { scope: 'read' });
    const write = await newKey(user, { scope: 'write' });
    expect([read.scope, write.scope]).toEqual(['read', 'write']);
    expect(expectProblem(await http.post(app.api('/me/api-keys'), { name: 'k', scope: 'admin' }, { token: user.accessToken }), 400).errors[0].field).toBe('scope');

    expectProblem(await http.patch(app.api('/me'), { title: 'read-key' }, { token: read.key }), 403, 'insufficient-scope');
    expectProblem(await http.post(app.api('/rooms'), { name: 'R', type: 'CHAT' }, { headers: { 'x-api-key': read.key } }), 403, 'insufficient-scope');
    expect((await http.get(app.api('/me'), { token: read.key })).body.title).toBeNull();

    expect((await http.patch(app.api('/me'), { title: 'write-key' }, { token: write.key })).body.title).toBe('write-key');
    const room = await newRoom(app, { ...user, accessToken: write.key });

    // Sockets: a read key joins and listens, and may not send.
    const reader = socketWith(read.key);
    expect(await handshakeOutcome(reader)).toEqual({ connected: true });
    expect(await emitAck(reader, 'room:join', { roomId: room.id })).toMatchObject({ ok: true });
    const message = { roomId: room.id, text: 'hi', clientMessageId: '0b6f7a52-63c4-4a4e-9d43-0d1f3f1c9a01' };
    for (const [event, payload] of [['message:send', message], ['typing', { roomId: room.id }]] as const) {
      expect(await emitAck(reader, event, payload)).toEqual({ ok: false, error: expect.objectContaining({ status: 403, code: 'insufficient-scope' }) });
    }
    const writer = socketWith(write.key);
    expect(await handshakeOutcome(writer)).toEqual({ connected: true });
    expect(await emitAck(writer, 'room:join', { roomId: room.id })).toMatchObject({ ok: true });
    expect(await emitAck(writer, 'message:send', message)).toMatchObject({ ok: true, data: { text: 'hi' } });
    const messages = await http.get(app.api(`/rooms/${room.id}/messages`), { token: read.key });
    expect(messages.body.items.map((m: { text: string }) => m.text)).toEqual(['hi']);
  });

  it('no key manages credentials, whatever its scope: 403 session-required, and nothing changes', async () => {
    const user = await newUser(app);
    const other = await newKey(user, { scope: 'read' });
    const { key } = await newKey(user, { scope: 'write' });
    const sessionId = (await http.get(app.api('/me/sessions'), { token: user.accessToken })).body.items[0].id as string;
    const attempts: Array<[string, string, unknown?]> = [
      ['POST', '/me/api-keys', { name: 'minted', scope: 'write' }],
      ['GET', '/me/api-keys'],
      ['DELETE', `/me/api-keys/${other.id}`],
      ['GET', '/me/sessions'],
      ['DELETE', `/me/sessions/${sessionId}`],
      ['POST', '/auth/logout', { refreshToken: user.refreshToken }],
      ['POST', '/auth/logout-all'],
      ['POST', '/me/password', { currentPassword: user.password, newPassword: NEW_PASSWORD }],
    ];
    const presented: Array<Record<string, string>> = [{ authorization: `Bearer ${key}` }, { 'x-api-key': other.key }];
    for (const [method, path, body] of attempts) {
      for (const headers of presented) {
        const res = await request(method, app.api(path), body, { headers });
        expect({ method, path, status: res.status, code: res.body.code }).toEqual({ method, path, status: 403, code: 'session-required' });
      }
    }
    // The session, both keys and the password are as they were.
    expect((await http.get(app.api('/me'), { token: user.accessToken })).status).toBe(200);
    expect((await http.get(app.api('/me/api-keys'), { token: user.accessToken })).body.items).toHaveLength(2);
    expect((await http.get(app.api('/me'), { token: other.key })).status).toBe(200);
    expect((await http.post(app.api('/auth/refresh'), { refreshToken: user.refreshToken })).status).toBe(200);
    await login(app, user.username, user.password);
  });

  it('lives no longer than API_KEY_MAX_TTL_DAYS, and an expired key is refused', async () => {
    const user = await newUser(app);
    const tooLate = await http.post(app.api('/me/api-keys'), { name: 'k', expiresAt: new Date(Date.now() + 31 * DAY_MS).toISOString() }, { token: user.accessToken });
    expect(expectProblem(tooLate, 400).errors).toEqual([expect.objectContaining({ field: 'expiresAt', code: 'tooLate' })]);
    const past = await http.post(app.api('/me/api-keys'), { name: 'k', expiresAt: '2001-01-01T00:00:00Z' }, { token: user.accessToken });
    expect(expectProblem(past, 400).errors).toEqual([expect.objectContaining({ field: 'expiresAt', code: 'future' })]);
    expect((await http.get(app.api('/me/api-keys'), { token: user.accessToken })).body.items).toEqual([]);

    const within = new Date(Date.now() + 29 * DAY_MS).toISOString();
    expect((await newKey(user, { expiresAt: within })).expiresAt).toBe(within);
    const soon = await newKey(user, { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await http.get(app.api('/me'), { token: soon.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1700));
    expectProblem(await http.get(app.api('/me'), { token: soon.key }), 401, 'invalid-api-key');
    expect((await handshakeOutcome(socketWith(soon.key))).connected).toBe(false);
  });

  describe('revoked with every credential of the user', () => {
    const resetPassword = async (user: TestUser) => {
      expect((await http.post(app.api('/auth/password-reset'), { email: user.email })).status).toBe(202);
      const token = tokenFrom(await smtp.nextMailTo(user.email));
      expect((await http.post(app.api('/auth/password-reset/confirm'), { token, password: NEW_PASSWORD })).status).toBe(204);
    };
    const actions: Array<[string, (user: TestUser) => Promise<void>, string]> = [
      ['logout-all', async (u) => void expect((await http.post(app.api('/auth/logout-all'), undefined, { token: u.accessToken })).status).toBe(204), 'auth.logout-all'],
      [
        'password change',
        async (u) => void expect((await http.post(app.api('/me/password'), { currentPassword: u.password, newPassword: NEW_PASSWORD }, { token: u.accessToken })).status).toBe(204),
        'auth.password.change',
      ],
      ['password reset', resetPassword, 'auth.password.reset'],
    ];

    it.each(actions)('%s revokes every API key of the user (and no one else\'s), audited', async (name, act, action) => {
      const user = await newUser(app);
      const bystander = await newUser(app);
      const keys = [await newKey(user, { scope: 'read' }), await newKey(user, { scope: 'write' })];
      const bystanderKey = await newKey(bystander);
      await act(user);
      for (const { key } of keys) expectProblem(await http.get(app.api('/me'), { token: key }), 401, 'invalid-api-key');
      expect((await http.get(app.api('/me'), { token: bystanderKey.key })).status).toBe(200);
      const again = await login(app, user.username, name === 'logout-all' ? user.password : NEW_PASSWORD);
      expect((await http.get(app.api('/me/api-keys'), { token: again.accessToken })).body.items).toEqual([]);

      const admin = await adminUser(app);
      const audit = await http.get(app.api(`/audit-logs?resourceId=${user.id}&action=${action}`), { token: admin.accessToken });
      expect(audit.body.items[0].newValue).toMatchObject({ revokedSessions: 1, revokedKeys: 2 });
    });

    it('a socket opened with a key is dropped by a password reset and cannot come back with it', async () => {
      const user = await newUser(app);
      const { key } = await newKey(user, { scope: 'write' });
      const socket = socketWith(key);
      expect(await handshakeOutcome(socket)).toEqual({ connected: true });
      const drop = serverDrop(socket);
      await resetPassword(user);
      expect((await drop).reason).toBe('io server disconnect');
      expect(await handshakeOutcome(socketWith(key))).toEqual({ connected: false, error: expect.objectContaining({ status: 401, code: 'invalid-api-key' }) });
    });
  });
});
