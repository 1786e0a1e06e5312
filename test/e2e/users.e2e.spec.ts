import { DataSource } from 'typeorm';
import { expectProblem, http } from '../helpers/http';
import { TEST_PASSWORD, TestUser, adminUser, login, newUser } from '../helpers/factory';
import { TestApp, startTestApp } from '../helpers/test-app';

describe('users, profile, settings and groups', () => {
  let app: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await adminUser(app);
  });
  afterAll(() => app.close());

  it('the platform admin exists from the first start and administers the default tenant', async () => {
    const me = await http.get(app.api('/me'), { token: admin.accessToken });
    expect(me.body).toMatchObject({ username: 'admin', role: 'admin', tenantRoles: ['admin'], emailVerified: true });
  });

  it('updates the profile and validates it', async () => {
    const user = await newUser(app);
    const res = await http.patch(app.api('/me'), { displayName: '  Ada L.  ', country: 'GB', language: 'en-GB', phone: '+44 20 7946 0958' }, { token: user.accessToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ displayName: 'Ada L.', country: 'GB', language: 'en-GB' });
    const bad = await http.patch(app.api('/me'), { country: 'Narnia', avatarUrl: 'javascript:alert(1)', email: 'x@y.z' }, { token: user.accessToken });
    const fields = expectProblem(bad, 400).errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['avatarUrl', 'country', 'email']);
    expect((await http.get(app.api('/me'), { token: user.accessToken })).body.displayName).toBe('Ada L.');
  });

  it('refuses forged cursors and impossible timestamps with a 400 naming the field, never a 500', async () => {
    const token = { token: admin.accessToken };
    const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const zero = '00000000-0000-4000-8000-000000000000';
    for (const t of ['0000-01-01T00:00:00Z', '+010000-01-01T00:00:00.000Z', '2024-02-30T00:00:00Z', '12345']) {
      expect(expectProblem(await http.get(app.api(`/users?cursor=${cursor({ t, id: zero })}`), token), 400).errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
      const from = await http.get(app.api(`/audit-logs?from=${encodeURIComponent(t)}`), token);
      expect(expectProblem(from, 400).errors).toEqual([expect.objectContaining({ field: 'from', code: 'isRfc3339' })]);
    }
    expectProblem(await http.get(app.api(`/audit-logs?cursor=${cursor({ id: '9'.repeat(19) })}`), token), 400);
    expectProblem(await http.get(app.api(`/policies?cursor=${cursor({ id: 1e300 })}`), token), 400);
    expect((await http.get(app.api(`/audit-logs?from=${encodeURIComponent('2024-02-29T10:00:00.5+02:00')}`), token)).status).toBe(200);
  });

  it('answers a partial profile update with the whole profile, the fields not sent unchanged', async () => {
    const user = await newUser(app);
    await http.patch(app.api('/me'), { displayName: 'Grace', title: 'Rear Admiral' }, { token: user.accessToken });
    for (const body of [{}, { country: 'US' }]) {
      const res = await http.patch(app.api('/me'), body, { token: user.accessToken });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ displayName: 'Grace', title: 'Rear Admiral', firstName: null, phone: null });
    }
  });

  it('reads and replaces settings, refusing oversized preferences', async () => {
    const user = await newUser(app);
    expect((await http.get(app.api('/me/settings'), { token: user.accessToken })).body).toMatchObject({ defaultModelId: null, preferences: {} });
    const put = await http.put(app.api('/me/settings'), { preferences: { theme: 'dark', sidebar: { open: true } } }, { token: user.accessToken });
    expect(put.body.preferences).toEqual({ theme: 'dark', sidebar: { open: true } });
    expectProblem(await http.put(app.api('/me/settings'), { preferences: { blob: 'x'.repeat(17_000) } }, { token: user.accessToken }), 400);
    expectProblem(await http.put(app.api('/me/settings'), { preferences: 'dark' }, { token: user.accessToken }), 400);
    expect((await http.get(app.api('/me/settings'), { token: user.accessToken })).body.preferences).toEqual({ theme: 'dark', sidebar: { open: true } });
  });

  it('lets a tenant admin create users, page through them and filter by status', async () => {
    const t = { token: admin.accessToken };
    const created = [];
    for (let i = 0; i < 5; i++) {
      const res = await http.post(app.api('/users'), { email: `page${i}@example.com`, username: `page${i}`, password: TEST_PASSWORD }, t);
      expect(res.status).toBe(201);
      created.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await http.get(app.api(`/users?limit=2&q=page${cursor ? `&cursor=${cursor}` : ''}`), t);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((u) => u.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(created);
    expectProblem(await http.get(app.api('/users?limit=1000'), t), 400);
    expectProblem(await http.get(app.api('/users?cursor=garbage'), t), 400);

    await http.post(app.api(`/users/${created[0]}/block`), { reason: 'test' }, t);
    const blocked = await http.get(app.api('/users?status=blocked'), t);
    expect(blocked.body.items.map((u: { id: string }) => u.id)).toEqual([created[0]]);
  });

  it('changes a tenant role, which takes effect on the next request', async () => {
    const user = await newUser(app);
    expectProblem(await http.get(app.api('/audit-logs'), { token: user.accessToken }), 403);
    const res = await http.put(app.api(`/users/${user.id}/role`), { role: 'admin' }, { token: admin.accessToken });
    expect(res.body.tenantRoles).toEqual(['admin']);
    expect((await http.get(app.api('/audit-logs'), { token: user.accessToken })).status).toBe(200);
    expectProblem(await http.put(app.api(`/users/${user.id}/role`), { role: 'wizard' }, { token: admin.accessToken }), 400);
    expectProblem(await http.put(app.api(`/users/${admin.id}/role`), { role: 'member' }, { token: admin.accessToken }), 409, 'self-change');
  });

  it('keeps an admin from blocking itself and members from admin actions', async () => {
    expectProblem(await http.post(app.api(`/users/${admin.id}/block`), {}, { token: admin.accessToken }), 409);
    const member = await newUser(app);
    expectProblem(await http.post(app.api('/users'), { email: 'n@example.com', username: 'nnn', password: TEST_PASSWORD }, { token: member.accessToken }), 403);
  });

  it('takes null only for the fields the DTO declares nullable: it clears them; elsewhere null is a 400 naming the field', async () => {
    const t = { token: admin.accessToken };
    const group = await http.post(app.api('/groups'), { name: 'Nullable', description: 'to clear' }, t);
    const refused = await http.patch(app.api(`/groups/${group.body.id}`), { name: null, description: null }, t);
    expect(expectProblem(refused, 400, 'validation-failed').errors).toEqual([{ field: 'name', code: 'isNotNull', message: 'name must not be null' }]);
    expect((await http.get(app.api(`/groups/${group.body.id}`), t)).body).toMatchObject({ name: 'Nullable', description: 'to clear' });
    const cleared = await http.patch(app.api(`/groups/${group.body.id}`), { description: null }, t);
    expect(cleared.body).toMatchObject({ name: 'Nullable', description: null });

    const user = await newUser(app);
    const profile = await http.patch(app.api('/me'), { displayName: null, phone: null }, { token: user.accessToken });
    expect(expectProblem(profile, 400).errors.map((e: { field: string }) => e.field).sort()).toEqual(['displayName', 'phone']);
  });

  it('manages groups and memberships', async () => {
    const t = { token: admin.accessToken };
    const user = await newUser(app);
    const group = await http.post(app.api('/groups'), { name: 'Design', description: 'UI' }, t);
    expect(group.status).toBe(201);
    expectProblem(await http.post(app.api('/groups'), { name: 'design' }, t), 409, 'group-exists');
    expect((await http.post(app.api(`/groups/${group.body.id}/members`), { userId: user.id }, t)).status).toBe(201);
    expectProblem(await http.post(app.api(`/groups/${group.body.id}/members`), { userId: user.id }, t), 409);
    const members = await http.get(app.api(`/groups/${group.body.id}/members`), t);
    expect(members.body.items).toEqual([expect.objectContaining({ userId: user.id, username: user.username })]);
    expect((await http.delete(app.api(`/groups/${group.body.id}/members/${user.id}`), t)).status).toBe(204);
    expect((await http.delete(app.api(`/groups/${group.body.id}`), t)).status).toBe(204);
    expectProblem(await http.get(app.api(`/groups/${group.body.id}`), t), 404);
  });
});

describe('audit log', () => {
  let app: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await adminUser(app);
  });
  afterAll(() => app.close());

  it('records who did what, from where, with secrets redacted', async () => {
    const user = await newUser(app);
    await http.post(app.api(`/users/${user.id}/block`), { reason: 'abuse' }, { token: admin.accessToken, headers: { 'user-agent': 'audit-test/1.0', 'x-request-id': 'audit-req-1' } });
    const res = await http.get(app.api(`/audit-logs?action=user.block&resourceId=${user.id}`), { token: admin.accessToken });
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      actorId: admin.id,
      actorType: 'user',
      action: 'user.block',
      resourceType: 'user',
      resourceId: user.id,
      oldValue: { isBlocked: false },
      newValue: { isBlocked: true, blockedReason: 'abuse' },
      ip: '127.0.0.1',
      userAgent: 'audit-test/1.0',
      requestId: 'audit-req-1',
    });
    const key = await http.post(app.api('/me/api-keys'), { name: 'k' }, { token: admin.accessToken });
    const keyLog = await http.get(app.api(`/audit-logs?action=api-key.create`), { token: admin.accessToken });
    expect(keyLog.text).not.toContain(key.body.key);
  });

  it('pages newest first and filters by actor and time', async () => {
    for (let i = 0; i < 4; i++) await http.patch(app.api('/me'), { title: `t${i}` }, { token: admin.accessToken });
    const first = await http.get(app.api(`/audit-logs?limit=2&actorId=${admin.id}&action=user.profile.update`), { token: admin.accessToken });
    const second = await http.get(app.api(`/audit-logs?limit=2&actorId=${admin.id}&action=user.profile.update&cursor=${first.body.nextCursor}`), { token: admin.accessToken });
    const titles = [...first.body.items, ...second.body.items].map((e: { newValue: { title: string } }) => e.newValue.title);
    expect(titles).toEqual(['t3', 't2', 't1', 't0']);
    const future = await http.get(app.api(`/audit-logs?from=${new Date(Date.now() + 60_000).toISOString()}`), { token: admin.accessToken });
    expect(future.body.items).toEqual([]);
    expectProblem(await http.get(app.api('/audit-logs?from=yesterday'), { token: admin.accessToken }), 400);
  });

  it('is append-only in the database itself', async () => {
    const ds = app.app.get(DataSource);
    await expect(ds.query(`UPDATE audit_logs SET action = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM audit_logs`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`TRUNCATE audit_logs`)).rejects.toThrow(/append-only/);
  });

  it('writes no entry for a change that failed', async () => {
    const before = await http.get(app.api('/audit-logs?action=user.create&limit=100'), { token: admin.accessToken });
    expectProblem(await http.post(app.api('/users'), { email: 'dup@example.com', username: 'admin', password: TEST_PASSWORD }, { token: admin.accessToken }), 409);
    const after = await http.get(app.api('/audit-logs?action=user.create&limit=100'), { token: admin.accessToken });
    expect(after.body.items.length).toBe(before.body.items.length);
    expect((await login(app, 'admin', admin.password)).accessToken).toBeTruthy();
  });
});
