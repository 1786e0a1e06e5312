import { recoverPlatformAdmin } from '../../scripts/recover-admin';
import { EMBEDDED_POOL_SIZE } from '../../src/common/database/embedded-postgres';
import { startServer } from '../../src/server';
import { http, expectProblem } from '../helpers/http';
import { ADMIN_PASSWORD, TEST_PASSWORD, TestUser, adminUser, login, newTenant, newUser } from '../helpers/factory';
import { TestApp, startTestApp } from '../helpers/test-app';
import { testConfig } from '../helpers/test-env';

const t = (u: { accessToken: string }) => ({ token: u.accessToken });

describe('platform admins cannot be locked out by tenant admins', () => {
  let app: TestApp;
  let platformAdmin: TestUser;
  let tenantAdmin: TestUser;

  beforeAll(async () => {
    app = await startTestApp();
    platformAdmin = await adminUser(app);
    tenantAdmin = await newUser(app, { tenantRole: 'admin' });
  });
  afterAll(() => app.close());

  /** The platform admin as its own /me and the admin list show it. */
  const adminState = async () => {
    const me = await http.get(app.api('/me'), t(await login(app, 'admin', ADMIN_PASSWORD)));
    expect(me.status).toBe(200);
    const check = await http.post(app.api('/policies/check'), { subject: `user:${platformAdmin.id}`, object: 'policies', action: 'manage' }, t(platformAdmin));
    return { role: me.body.role, tenantRoles: me.body.tenantRoles, status: me.body.status, mayManagePolicies: check.body.allowed };
  };

  it('refuses every action of a tenant admin on the platform admin with 403 platform-admin-protected, and changes nothing', async () => {
    const before = await adminState();
    expect(before).toEqual({ role: 'admin', tenantRoles: ['admin'], status: 'active', mayManagePolicies: true });
    const id = platformAdmin.id;
    const { body: group } = await http.post(app.api('/groups'), { name: 'Staff' }, t(tenantAdmin));
    const { body: denied } = await http.post(app.api('/groups'), { name: 'Denied' }, t(tenantAdmin));
    expect((await http.post(app.api(`/policies`), { subject: `group:${denied.id}`, object: '*', action: '*', effect: 'deny' }, t(tenantAdmin))).status).toBe(201);
    const attempts: Array<[string, () => Promise<any>]> = [
      ['block', () => http.post(app.api(`/users/${id}/block`), { reason: 'x' }, t(tenantAdmin))],
      ['disable', () => http.put(app.api(`/users/${id}/disabled`), { disabled: true }, t(tenantAdmin))],
      ['delete', () => http.delete(app.api(`/users/${id}`), t(tenantAdmin))],
      ['demote', () => http.put(app.api(`/users/${id}/role`), { role: 'guest' }, t(tenantAdmin))],
      ['unlock', () => http.post(app.api(`/users/${id}/unlock`), {}, t(tenantAdmin))],
      ['join a group under a deny', () => http.post(app.api(`/groups/${denied.id}/members`), { userId: id }, t(tenantAdmin))],
      ['join a group', () => http.post(app.api(`/groups/${group.id}/members`), { userId: id }, t(tenantAdmin))],
      ['deny naming the admin', () => http.post(app.api('/policies'), { subject: `user:${id}`, object: 'users', action: 'manage', effect: 'deny' }, t(tenantAdmin))],
      ['allow naming the admin', () => http.post(app.api('/policies'), { subject: `user:${id}`, object: 'rooms', action: 'read', effect: 'allow' }, t(tenantAdmin))],
      ['deny on the admin role', () => http.post(app.api('/policies'), { subject: 'role:admin', object: 'policies', action: '*', effect: 'deny' }, t(tenantAdmin))],
      ['take the admin role', () => http.delete(app.api(`/roles/admin/assignments/user:${id}`), t(tenantAdmin))],
      ['give a denied role', () => http.post(app.api(`/roles/guest/assignments`), { subject: `user:${id}` }, t(tenantAdmin))],
    ];
    for (const [what, attempt] of attempts) {
      const res = await attempt();
      expect({ what, status: res.status, code: res.body?.code }).toEqual({ what, status: 403, code: 'platform-admin-protected' });
    }
    // The platform role was never a tenant admin's to change.
    expectProblem(await http.put(app.api(`/users/${id}/platform-role`), { role: 'user' }, t(tenantAdmin)), 403, 'forbidden');
    expect(await adminState()).toEqual(before);
    const list = await http.get(app.api(`/policies?subject=user:${id}`), t(platformAdmin));
    expect(list.body.items).toEqual([]);
  });

  it('refuses rule changes that lower a platform admin\'s rights indirectly: a deny on its group, its group deleted', async () => {
    const { body: group } = await http.post(app.api('/groups'), { name: 'Admins group' }, t(platformAdmin));
    expect((await http.post(app.api(`/groups/${group.id}/members`), { userId: platformAdmin.id }, t(platformAdmin))).status).toBe(201);
    expect((await http.post(app.api('/roles/admin/assignments'), { subject: `group:${group.id}` }, t(platformAdmin))).status).toBe(201);
    // Only through the group would it stay admin: remove its direct admin role (platform admins may).
    expect((await http.delete(app.api(`/roles/admin/assignments/user:${platformAdmin.id}`), t(platformAdmin))).status).toBe(204);
    expectProblem(await http.post(app.api('/policies'), { subject: `group:${group.id}`, object: 'audit-logs', action: 'read', effect: 'deny' }, t(tenantAdmin)), 403, 'platform-admin-protected');
    expectProblem(await http.delete(app.api(`/groups/${group.id}`), t(tenantAdmin)), 403, 'platform-admin-protected');
    expectProblem(await http.delete(app.api(`/roles/admin/assignments/group:${group.id}`), t(tenantAdmin)), 403, 'platform-admin-protected');
    expectProblem(await http.delete(app.api(`/groups/${group.id}/members/${platformAdmin.id}`), t(tenantAdmin)), 403, 'platform-admin-protected');
    expect((await adminState()).mayManagePolicies).toBe(true);
    // Rules that touch no platform admin's rights stay the tenant admin's to make.
    const member = await newUser(app);
    expect((await http.post(app.api('/policies'), { subject: `user:${member.id}`, object: 'rooms', action: 'delete', effect: 'deny' }, t(tenantAdmin))).status).toBe(201);
    expect((await http.post(app.api(`/users/${member.id}/block`), {}, t(tenantAdmin))).status).toBe(200);
    // Put things back for the next test.
    expect((await http.post(app.api('/roles/admin/assignments'), { subject: `user:${platformAdmin.id}` }, t(platformAdmin))).status).toBe(201);
    expect((await http.delete(app.api(`/groups/${group.id}`), t(platformAdmin))).status).toBe(204);
  });

  it('lets a platform admin act on another platform admin, deny rules included', async () => {
    const other = await newUser(app, { role: 'admin', tenantRole: 'admin' });
    const deny = await http.post(app.api('/policies'), { subject: `user:${other.id}`, object: 'audit-logs', action: 'read', effect: 'deny' }, t(platformAdmin));
    expect(deny.status).toBe(201);
    expectProblem(await http.get(app.api('/audit-logs'), t(other)), 403);
    expectProblem(await http.delete(app.api(`/policies/${deny.body.id}`), t(tenantAdmin)), 403, 'platform-admin-protected');
    expect((await http.delete(app.api(`/policies/${deny.body.id}`), t(platformAdmin))).status).toBe(204);
    expect((await http.put(app.api(`/users/${other.id}/role`), { role: 'member' }, t(platformAdmin))).status).toBe(200);
    expect((await http.post(app.api(`/users/${other.id}/block`), {}, t(platformAdmin))).status).toBe(200);
  });

  it('never lets another tenant\'s admin see or touch the platform admin (404)', async () => {
    const tenant = await newTenant(app);
    const foreignAdmin = await newUser(app, { tenantId: tenant.id, tenantRole: 'admin' });
    expectProblem(await http.post(app.api(`/users/${platformAdmin.id}/block`), {}, t(foreignAdmin)), 404);
    expectProblem(await http.get(app.api(`/users/directory/${platformAdmin.id}`), t(foreignAdmin)), 404);
  });
});

describe('the user directory and the admin view', () => {
  let app: TestApp;
  let admin: TestUser;
  let member: TestUser;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await adminUser(app);
    member = await newUser(app);
  });
  afterAll(() => app.close());

  it('gives members only id, display name and avatar, and refuses them the admin list and its filters', async () => {
    const other = await newUser(app);
    await http.patch(app.api('/me'), { displayName: 'Zed Other', avatarUrl: 'https://example.com/z.png' }, t(other));
    expectProblem(await http.get(app.api('/users'), t(member)), 403);
    expectProblem(await http.get(app.api('/users?status=locked'), t(member)), 403);
    expectProblem(await http.get(app.api(`/users/${other.id}`), t(member)), 403);
    const page = await http.get(app.api('/users/directory?limit=100'), t(member));
    expect(page.status).toBe(200);
    for (const item of page.body.items) expect(Object.keys(item).sort()).toEqual(['avatarUrl', 'displayName', 'id']);
    expect(page.body.items).toContainEqual({ id: other.id, displayName: 'Zed Other', avatarUrl: 'https://example.com/z.png' });
    expect((await http.get(app.api(`/users/directory/${other.id}`), t(member))).body).toEqual({ id: other.id, displayName: 'Zed Other', avatarUrl: 'https://example.com/z.png' });
    // Admin filters are refused, and the search cannot probe e-mail addresses or usernames.
    for (const filter of ['status=locked', 'status=blocked', 'tenantId=' + admin.tenantId]) {
      expect(expectProblem(await http.get(app.api(`/users/directory?${filter}`), t(member)), 400).errors[0]).toMatchObject({ code: 'whitelistValidation' });
    }
    expect((await http.get(app.api(`/users/directory?q=${encodeURIComponent(other.email)}`), t(member))).body.items).toEqual([]);
    expect((await http.get(app.api(`/users/directory?q=${other.username}`), t(member))).body.items).toEqual([]);
    expect((await http.get(app.api('/users/directory?q=zed'), t(member))).body.items).toEqual([expect.objectContaining({ id: other.id })]);
  });

  it('keeps the full view for admins', async () => {
    const list = await http.get(app.api(`/users?q=${member.username}`), t(admin));
    expect(list.body.items).toEqual([expect.objectContaining({ id: member.id, email: member.email, status: 'active', tenantRoles: ['member'], lastLoginAt: expect.any(String) })]);
    expect((await http.get(app.api(`/users/${member.id}`), t(admin))).body).toMatchObject({ email: member.email, lockedUntil: null });
    expect((await http.get(app.api('/users?status=locked'), t(admin))).status).toBe(200);
  });

  it('blocking or disabling a user ends its sessions: unblocking brings none back', async () => {
    for (const [lock, unlock] of [
      [(id: string) => http.post(app.api(`/users/${id}/block`), {}, t(admin)), (id: string) => http.post(app.api(`/users/${id}/unblock`), {}, t(admin))],
      [(id: string) => http.put(app.api(`/users/${id}/disabled`), { disabled: true }, t(admin)), (id: string) => http.put(app.api(`/users/${id}/disabled`), { disabled: false }, t(admin))],
    ]) {
      const user = await newUser(app);
      expect((await lock(user.id)).status).toBe(200);
      expect((await unlock(user.id)).status).toBe(200);
      expectProblem(await http.post(app.api('/auth/refresh'), { refreshToken: user.refreshToken }), 401, 'invalid-refresh-token');
      expectProblem(await http.get(app.api('/me'), t(user)), 401, 'token-revoked');
      expect((await http.get(app.api('/me/sessions'), t(await login(app, user.username, TEST_PASSWORD)))).body.items).toHaveLength(1);
    }
  });
});

describe('recovering a locked-out platform admin from the command line', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.database.drop());

  it('restores an admin that another platform admin blocked, demoted, denied and locked out', async () => {
    const admin = await adminUser(app);
    const rogue = await newUser(app, { role: 'admin', tenantRole: 'admin' });
    // The lock-out, over HTTP: a deny naming the admin, its tenant role taken, its platform role taken, blocked, and failed logins.
    expect((await http.post(app.api('/policies'), { subject: `user:${admin.id}`, object: '*', action: '*', effect: 'deny' }, t(rogue))).status).toBe(201);
    expect((await http.put(app.api(`/users/${admin.id}/role`), { role: 'guest' }, t(rogue))).status).toBe(200);
    expect((await http.put(app.api(`/users/${admin.id}/platform-role`), { role: 'user' }, t(rogue))).status).toBe(200);
    expect((await http.post(app.api(`/users/${admin.id}/block`), {}, t(rogue))).status).toBe(200);
    for (let i = 0; i < 5; i++) await http.post(app.api('/auth/login'), { login: 'admin', password: 'Wrong-password-123' });
    expectProblem(await http.post(app.api('/auth/login'), { login: 'admin', password: ADMIN_PASSWORD }), 423, 'account-locked');

    // The operator stops the server and runs the command on its database.
    await app.app.close();
    const pool = app.database.embedded ? { DATABASE_POOL_SIZE: EMBEDDED_POOL_SIZE } : {};
    const config = testConfig({ DATABASE_URL: app.database.url, ...pool });
    const newPassword = 'Recovered-password-42';
    const report = await recoverPlatformAdmin(config, { email: admin.email, password: newPassword, resetToken: true });
    expect(report).toMatchObject({ userId: admin.id, removedDenies: [`user:${admin.id} deny * *`], stillDenied: [], resetToken: expect.any(String) });
    await expect(recoverPlatformAdmin(config, { email: 'nobody@example.com' })).rejects.toMatchObject({ status: 404 });

    const server = await startServer(config);
    try {
      const api = (path: string) => `${server.url}/api/v1${path}`;
      expect((await http.post(api('/auth/refresh'), { refreshToken: admin.refreshToken })).status).toBe(401);
      const signedIn = await http.post(api('/auth/login'), { login: 'admin', password: newPassword });
      expect(signedIn.status).toBe(200);
      const me = await http.get(api('/me'), t(signedIn.body));
      expect(me.body).toMatchObject({ role: 'admin', status: 'active', lockedUntil: null, tenantRoles: expect.arrayContaining(['admin']) });
      expect((await http.post(api(`/users/${rogue.id}/block`), {}, t(signedIn.body))).status).toBe(200);
      const audit = await http.get(api(`/audit-logs?action=user.platform-admin.recover`), t(signedIn.body));
      expect(audit.body.items).toEqual([expect.objectContaining({ resourceId: admin.id, actorId: null })]);
      // The reset token works once, like a mailed one.
      expect((await http.post(api('/auth/password-reset/confirm'), { token: report.resetToken, password: 'Another-password-77' })).status).toBe(204);
    } finally {
      await server.close();
    }
  });
});
