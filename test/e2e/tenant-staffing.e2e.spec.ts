import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { sha256 } from '../../src/common/crypto/crypto';
import { TEST_PASSWORD, TestUser, adminUser, login, newUser } from '../helpers/factory';
import { expectProblem, http } from '../helpers/http';
import { TestSmtp, startSmtpServer, tokenFrom } from '../helpers/smtp';
import { TestApp, startTestApp } from '../helpers/test-app';

/**
 * Staffing a tenant over HTTP with a real SMTP server: a tenant created with its first admin,
 * platform admins acting in any tenant, invitations (mail, preview, register, accept, resend,
 * revoke, expiry, single use), and the rule that a tenant keeps an active admin.
 */
describe('tenant staffing', () => {
  let smtp: TestSmtp;
  let app: TestApp;
  let platform: TestUser;
  let seq = 0;
  const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${seq++}`;
  const t = (user: { accessToken: string }) => ({ token: user.accessToken });

  beforeAll(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://collab.example.test' });
    platform = await adminUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  /** A tenant made by the platform admin with a first admin who has a password; that admin, signed in. */
  async function tenantWithAdmin(): Promise<{ tenant: { id: string; slug: string }; admin: TestUser }> {
    const slug = unique('t-');
    const username = unique('boss');
    const res = await http.post(
      app.api('/tenants'),
      { name: `Tenant ${slug}`, slug, admin: { email: `${username}@example.com`, username, password: TEST_PASSWORD, displayName: 'Boss' } },
      t(platform),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ slug, adminInvitation: null, admin: { username, tenantId: res.body.id, tenantRoles: ['admin'] } });
    const tokens = await login(app, username, TEST_PASSWORD);
    return { tenant: { id: res.body.id, slug }, admin: { id: res.body.admin.id, tenantId: res.body.id, email: `${username}@example.com`, username, password: TEST_PASSWORD, ...tokens } };
  }

  /** Invites `email` into the admin's tenant (or `tenantId`, for platform admins) and returns the invitation and the mailed token. */
  async function invite(by: TestUser, email: string, role = 'member', tenantId?: string): Promise<{ id: string; token: string }> {
    const res = await http.post(app.api(`/tenant-invitations${tenantId ? `?tenantId=${tenantId}` : ''}`), { email, role }, t(by));
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201, body: { email, role, status: 'pending', sentCount: 1 } });
    expect(res.body).not.toHaveProperty('token');
    return { id: res.body.id, token: tokenFrom(await smtp.nextMailTo(email)) };
  }

  const register = (email: string, username: string, invitationToken?: string) =>
    http.post(app.api('/auth/register'), { email, username, password: TEST_PASSWORD, ...(invitationToken && { invitationToken }) });

  it('creates a tenant with its first admin, who manages that tenant only: the other tenant is a 404, and naming it a 403', async () => {
    const { tenant, admin } = await tenantWithAdmin();
    const outsider = await newUser(app); // a member of the default tenant
    const list = await http.get(app.api('/users'), t(admin));
    expect(list.body.items.map((u: { id: string }) => u.id)).toEqual([admin.id]);
    for (const [method, path, body] of [
      ['get', `/users/${outsider.id}`, undefined],
      ['delete', `/users/${outsider.id}`, undefined],
      ['post', `/users/${outsider.id}/block`, {}],
      ['put', `/users/${outsider.id}/role`, { role: 'guest' }],
      ['put', `/users/${outsider.id}/disabled`, { disabled: true }],
    ] as const) {
      const res = method === 'get' || method === 'delete' ? await http[method](app.api(path), t(admin)) : await http[method](app.api(path), body, t(admin));
      expectProblem(res, 404);
    }
    expectProblem(await http.get(app.api(`/users?tenantId=${outsider.tenantId}`), t(admin)), 403, 'forbidden');
    expectProblem(await http.post(app.api(`/users?tenantId=${outsider.tenantId}`), { email: 'x@example.com', username: unique('x'), password: TEST_PASSWORD }, t(admin)), 403);
    // The outsider is untouched.
    expect((await http.get(app.api('/me'), t(outsider))).body).toMatchObject({ id: outsider.id, status: 'active', tenantRoles: ['member'] });
    // Naming its own tenant is allowed.
    expect((await http.get(app.api(`/users?tenantId=${tenant.id}`), t(admin))).status).toBe(200);
  });

  it('lets a platform admin list, create and manage the users of any tenant; an unknown tenant is a 404', async () => {
    const { tenant } = await tenantWithAdmin();
    const username = unique('made');
    const made = await http.post(app.api(`/users?tenantId=${tenant.id}`), { email: `${username}@example.com`, username, password: TEST_PASSWORD, role: 'guest' }, t(platform));
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ tenantId: tenant.id, tenantRoles: ['guest'] });
    const listed = await http.get(app.api(`/users?tenantId=${tenant.id}`), t(platform));
    expect(listed.body.items.map((u: { username: string }) => u.username)).toContain(username);
    expect((await http.put(app.api(`/users/${made.body.id}/role?tenantId=${tenant.id}`), { role: 'member' }, t(platform))).body.tenantRoles).toEqual(['member']);
    expect((await http.post(app.api(`/users/${made.body.id}/block?tenantId=${tenant.id}`), {}, t(platform))).body.status).toBe('blocked');
    // Without ?tenantId= the user is not in the platform admin's tenant.
    expectProblem(await http.get(app.api(`/users/${made.body.id}`), t(platform)), 404);
    expectProblem(await http.get(app.api(`/users?tenantId=${randomUUID()}`), t(platform)), 404);
    const audit = await app.app.get(DataSource).query(`SELECT action FROM audit_logs WHERE tenant_id = $1 AND resource_id = $2 ORDER BY id`, [tenant.id, made.body.id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['user.create', 'user.role.change', 'user.block']);
  });

  it('invites by e-mail: preview, registration into the invited tenant with the role, single use', async () => {
    const { tenant, admin } = await tenantWithAdmin();
    const email = `${unique('new')}@example.com`;
    const { id, token } = await invite(admin, email, 'admin');
    const mail = smtp.mailsTo(email).at(-1)!;
    expect(mail.subject).toContain(`Tenant ${tenant.slug}`);

    const preview = await http.post(app.api('/tenant-invitations/preview'), { token });
    expect(preview.body).toEqual({ tenantId: tenant.id, tenantName: `Tenant ${tenant.slug}`, tenantSlug: tenant.slug, email, role: 'admin', expiresAt: expect.any(String), oidcLoginUrl: null });

    // Another address cannot use it, and nothing is created.
    const wrong = expectProblem(await register(`other-${email}`, unique('wrong'), token), 400, 'validation-failed');
    expect(wrong.errors).toEqual([expect.objectContaining({ field: 'email', code: 'invitationEmail' })]);
    const username = unique('joined');
    const joined = await register(email.toUpperCase(), username, token);
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ tenantId: tenant.id, tenantRoles: ['admin'], emailVerified: true });
    // No verification mail: the invitation proved the address.
    const tokens = await login(app, username, TEST_PASSWORD);
    expect((await http.get(app.api('/users'), { token: tokens.accessToken })).body.items).toHaveLength(2);

    expectProblem(await register(`${unique('again')}@example.com`, unique('again'), token), 410, 'invitation-used');
    expectProblem(await http.post(app.api('/tenant-invitations/preview'), { token }), 410, 'invitation-used');
    expect((await http.get(app.api(`/tenant-invitations/${id}`), t(admin))).body).toMatchObject({ status: 'accepted', acceptedBy: joined.body.id });
    expectProblem(await http.post(app.api('/tenant-invitations/preview'), { token: 'A'.repeat(43) }), 404);
  });

  it('registers with an invitation even when self-registration is disabled', async () => {
    const closed = await startTestApp({ SMTP_URL: smtp.url, REGISTRATION_ENABLED: false });
    try {
      const boss = await adminUser(closed);
      const email = `${unique('closed')}@example.com`;
      expect((await http.post(closed.api('/tenant-invitations'), { email }, t(boss))).status).toBe(201);
      const token = tokenFrom(await smtp.nextMailTo(email));
      expectProblem(await http.post(closed.api('/auth/register'), { email: `x${email}`, username: unique('x'), password: TEST_PASSWORD }), 403, 'registration-disabled');
      const res = await http.post(closed.api('/auth/register'), { email, username: unique('closed'), password: TEST_PASSWORD, invitationToken: token });
      expect(res.status).toBe(201);
    } finally {
      await closed.close();
    }
  });

  it('refuses expired and revoked invitations; resending renews the token and the expiry', async () => {
    const { admin } = await tenantWithAdmin();
    const expiredMail = `${unique('late')}@example.com`;
    const expired = await invite(admin, expiredMail);
    await app.app.get(DataSource).query(`UPDATE tenant_invitations SET expires_at = now() - interval '1 minute' WHERE token_hash = $1`, [sha256(expired.token)]);
    expectProblem(await register(expiredMail, unique('late'), expired.token), 410, 'invitation-expired');
    expect((await http.get(app.api(`/tenant-invitations?status=expired`), t(admin))).body.items.map((i: { id: string }) => i.id)).toEqual([expired.id]);

    // Resending an expired invitation gives a new token that works; the old one is unknown.
    const resent = await http.post(app.api(`/tenant-invitations/${expired.id}/resend`), undefined, t(admin));
    expect(resent.body).toMatchObject({ status: 'pending', sentCount: 2 });
    const fresh = tokenFrom(await smtp.nextMailTo(expiredMail));
    expect(fresh).not.toBe(expired.token);
    expectProblem(await register(expiredMail, unique('late'), expired.token), 404);
    expect((await register(expiredMail, unique('late'), fresh)).status).toBe(201);

    const revokedMail = `${unique('gone')}@example.com`;
    const revoked = await invite(admin, revokedMail);
    expect((await http.delete(app.api(`/tenant-invitations/${revoked.id}`), t(admin))).status).toBe(204);
    expect((await http.delete(app.api(`/tenant-invitations/${revoked.id}`), t(admin))).status).toBe(204);
    expectProblem(await register(revokedMail, unique('gone'), revoked.token), 410, 'invitation-revoked');
    expectProblem(await http.post(app.api(`/tenant-invitations/${revoked.id}/resend`), undefined, t(admin)), 410, 'invitation-revoked');
    // A new invitation to the same address is possible once the old one is closed.
    await invite(admin, revokedMail);
  });

  it('answers clearly for addresses that have an account or a pending invitation', async () => {
    const { admin } = await tenantWithAdmin();
    const elsewhere = await newUser(app);
    expectProblem(await http.post(app.api('/tenant-invitations'), { email: elsewhere.email }, t(admin)), 409, 'email-in-other-tenant');
    expectProblem(await http.post(app.api('/tenant-invitations'), { email: admin.email }, t(admin)), 409, 'already-in-tenant');
    const email = `${unique('twice')}@example.com`;
    await invite(admin, email);
    expectProblem(await http.post(app.api('/tenant-invitations'), { email }, t(admin)), 409, 'invitation-pending');
    const unknownRole = expectProblem(await http.post(app.api('/tenant-invitations'), { email: `r-${email}`, role: 'nope' }, t(admin)), 400);
    expect(unknownRole.errors).toEqual([expect.objectContaining({ field: 'role', code: 'unknownRole' })]);
  });

  it('lets a signed-in user of the tenant accept an invitation; an account of another tenant is refused', async () => {
    const { tenant, admin } = await tenantWithAdmin();
    const email = `${unique('later')}@example.com`;
    const { token } = await invite(admin, email, 'admin');
    // The admin makes the account directly meanwhile, as a guest.
    const username = unique('later');
    expect((await http.post(app.api('/users'), { email, username, password: TEST_PASSWORD, role: 'guest' }, t(admin))).status).toBe(201);
    const later = await login(app, username, TEST_PASSWORD);
    expect((await http.post(app.api(`/tenant-invitations/${token}/accept`), undefined, { token: later.accessToken })).body).toEqual({ tenantId: tenant.id, role: 'admin' });
    expect((await http.get(app.api('/me'), { token: later.accessToken })).body.tenantRoles).toEqual(['admin']);
    expectProblem(await http.post(app.api(`/tenant-invitations/${token}/accept`), undefined, { token: later.accessToken }), 410, 'invitation-used');

    // Invited first, then registered in the default tenant: that account cannot join (one tenant per account).
    const other = `${unique('split')}@example.com`;
    const second = await invite(admin, other);
    const selfMade = await register(other, unique('split'));
    expect(selfMade.status).toBe(201);
    const selfTokens = await login(app, selfMade.body.username, TEST_PASSWORD);
    expectProblem(await http.post(app.api(`/tenant-invitations/${second.token}/accept`), undefined, { token: selfTokens.accessToken }), 409, 'email-in-other-tenant');
    // Someone else's invitation is refused too.
    expectProblem(await http.post(app.api(`/tenant-invitations/${second.token}/accept`), undefined, t(admin)), 403, 'invitation-email-mismatch');
  });

  it("keeps another tenant's invitations out of reach (404) and changes nothing there", async () => {
    const a = await tenantWithAdmin();
    const b = await tenantWithAdmin();
    const email = `${unique('mine')}@example.com`;
    const { id } = await invite(a.admin, email);
    expectProblem(await http.get(app.api(`/tenant-invitations/${id}`), t(b.admin)), 404);
    expectProblem(await http.post(app.api(`/tenant-invitations/${id}/resend`), undefined, t(b.admin)), 404);
    expectProblem(await http.delete(app.api(`/tenant-invitations/${id}`), t(b.admin)), 404);
    expect((await http.get(app.api('/tenant-invitations'), t(b.admin))).body.items).toEqual([]);
    expectProblem(await http.get(app.api(`/tenant-invitations?tenantId=${a.tenant.id}`), t(b.admin)), 403);
    expect((await http.get(app.api(`/tenant-invitations/${id}`), t(a.admin))).body).toMatchObject({ status: 'pending', sentCount: 1 });
    // The platform admin reaches it with ?tenantId=.
    expect((await http.get(app.api(`/tenant-invitations/${id}?tenantId=${a.tenant.id}`), t(platform))).status).toBe(200);
  });

  it('creates a tenant whose first admin is invited instead of made', async () => {
    const slug = unique('inv-');
    const email = `${unique('first')}@example.com`;
    const res = await http.post(app.api('/tenants'), { name: 'Invited', slug, admin: { email } }, t(platform));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ slug, admin: null, adminInvitation: { email, role: 'admin', status: 'pending' } });
    const token = tokenFrom(await smtp.nextMailTo(email));
    expect((await register(email, unique('first'), token)).body).toMatchObject({ tenantId: res.body.id, tenantRoles: ['admin'] });
    // A first admin with a password but no username: nothing is created.
    const bad = expectProblem(await http.post(app.api('/tenants'), { name: 'Bad', slug: unique('bad-'), admin: { email: 'b@example.com', password: TEST_PASSWORD } }, t(platform)), 400);
    expect(bad.errors).toEqual([expect.objectContaining({ field: 'admin.username' })]);
  });

  it('never leaves a tenant without an active admin', async () => {
    const { tenant, admin } = await tenantWithAdmin();
    const q = `?tenantId=${tenant.id}`;
    for (const [res, what] of [
      [await http.put(app.api(`/users/${admin.id}/role${q}`), { role: 'member' }, t(platform)), 'demote'],
      [await http.post(app.api(`/users/${admin.id}/block${q}`), {}, t(platform)), 'block'],
      [await http.put(app.api(`/users/${admin.id}/disabled${q}`), { disabled: true }, t(platform)), 'disable'],
      [await http.delete(app.api(`/users/${admin.id}${q}`), t(platform)), 'delete'],
      [await http.delete(app.api(`/roles/admin/assignments/user:${admin.id}`), t(admin)), 'unassign'],
    ] as const) {
      expect({ what, code: expectProblem(res, 409).code }).toEqual({ what, code: 'last-admin' });
    }
    expect((await http.get(app.api('/me'), t(admin))).body).toMatchObject({ status: 'active', tenantRoles: ['admin'] });

    // A blocked second admin does not count: the first stays the last active one.
    const second = await newUser(app, { tenantId: tenant.id, tenantRole: 'admin' });
    expect((await http.post(app.api(`/users/${second.id}/block`), {}, t(admin))).status).toBe(200);
    expectProblem(await http.put(app.api(`/users/${admin.id}/role${q}`), { role: 'member' }, t(platform)), 409, 'last-admin');
    // Once the second admin may act again, the first can be demoted.
    expect((await http.post(app.api(`/users/${second.id}/unblock`), {}, t(admin))).status).toBe(200);
    expect((await http.put(app.api(`/users/${admin.id}/role${q}`), { role: 'member' }, t(platform))).body.tenantRoles).toEqual(['member']);
  });

  it('answers hostile input with a 400 or 404 problem and writes nothing', async () => {
    const { admin } = await tenantWithAdmin();
    const count = async () => Number((await app.app.get(DataSource).query(`SELECT count(*) AS n FROM tenant_invitations`))[0].n);
    const before = await count();
    for (const body of [{ email: 'a\u0000b@example.com' }, { email: `${'x'.repeat(300)}@example.com` }, { email: null }, { email: 'a@example.com', role: 'Admin!' }, { email: 'a@example.com', extra: 1 }, []]) {
      expectProblem(await http.post(app.api('/tenant-invitations'), body, t(admin)), 400);
    }
    expectProblem(await http.post(app.api('/tenant-invitations?tenantId=not-a-uuid'), { email: 'a@example.com' }, t(admin)), 400);
    expectProblem(await http.get(app.api('/tenant-invitations?status=weird'), t(admin)), 400);
    expectProblem(await http.get(app.api('/tenant-invitations?cursor=forged'), t(admin)), 400);
    expectProblem(await http.post(app.api('/tenant-invitations/preview'), { token: '../../etc/passwd' }), 400);
    // NUL in a path parameter is refused before routing to a handler, naming the parameter.
    expectProblem(await http.post(app.api(`/tenant-invitations/${'%00'.repeat(10)}/accept`), undefined, t(admin)), 400);
    expectProblem(await http.post(app.api('/auth/register'), { email: 'z@example.com', username: unique('z'), password: TEST_PASSWORD, invitationToken: 'short' }), 400);
    expectProblem(await http.post(app.api('/tenants'), { name: 'X', slug: unique('x-'), admin: { email: 'not-an-email' } }, t(platform)), 400);
    expect(await count()).toBe(before);
  });
});
