import { createHmac } from 'node:crypto';
import { expectProblem, http } from '../helpers/http';
import { TEST_PASSWORD, adminUser, login, newTenant, newUser } from '../helpers/factory';
import { TestApp, startTestApp } from '../helpers/test-app';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('auth: registration, login, tokens', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ LOCKOUT_THRESHOLD: 3, LOCKOUT_BASE_SECONDS: 60 });
  });
  afterAll(() => app.close());

  it('registers, then logs in by e-mail (any case) or username, and reads /me', async () => {
    const reg = await http.post(app.api('/auth/register'), { email: 'Grace@Example.com', username: 'grace', password: 'Navy-compiler-1952', displayName: 'Grace' });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ email: 'Grace@Example.com', username: 'grace', role: 'user', tenantRoles: ['member'], status: 'active' });
    expect(reg.body.passwordHash).toBeUndefined();

    for (const name of ['grace@example.COM', 'GRACE']) {
      const res = await http.post(app.api('/auth/login'), { login: name, password: 'Navy-compiler-1952' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      const me = await http.get(app.api('/me'), { token: res.body.accessToken });
      expect(me.status).toBe(200);
      expect(me.body.username).toBe('grace');
    }
  });

  it('refuses duplicates, weak passwords and unknown fields, naming the field', async () => {
    const dup = await http.post(app.api('/auth/register'), { email: 'GRACE@example.com', username: 'grace2', password: 'Navy-compiler-1952' });
    expect(expectProblem(dup, 409, 'user-exists').errors).toEqual([expect.objectContaining({ field: 'email' })]);
    const weak = await http.post(app.api('/auth/register'), { email: 'w@example.com', username: 'weak', password: 'password123' });
    expect(expectProblem(weak, 400).errors[0]).toMatchObject({ field: 'password', message: 'password is too common' });
    const short = await http.post(app.api('/auth/register'), { email: 'w@example.com', username: 'weak', password: 'short' });
    expect(expectProblem(short, 400).errors[0].field).toBe('password');
    const extra = await http.post(app.api('/auth/register'), { email: 'x@example.com', username: 'xx-user', password: 'Navy-compiler-1952', role: 'admin' });
    expect(expectProblem(extra, 400).errors).toEqual([expect.objectContaining({ field: 'role', code: 'whitelistValidation' })]);
    const huge = await http.post(app.api('/auth/register'), { email: 'y@example.com', username: 'y'.repeat(200), password: 'Navy-compiler-1952' });
    expect(expectProblem(huge, 400).errors[0].field).toBe('username');
  });

  it('answers an unknown user and a wrong password the same way', async () => {
    const user = await newUser(app);
    const unknown = await http.post(app.api('/auth/login'), { login: 'nobody-here', password: 'whatever-password' });
    const wrong = await http.post(app.api('/auth/login'), { login: user.username, password: 'whatever-password' });
    expectProblem(unknown, 401, 'invalid-credentials');
    expectProblem(wrong, 401, 'invalid-credentials');
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it('locks an account after repeated failures, audits it, and an admin unlocks it', async () => {
    const user = await newUser(app);
    for (let i = 0; i < 3; i++) expectProblem(await http.post(app.api('/auth/login'), { login: user.username, password: 'bad-password-x' }), 401);
    // Locked: a wrong password still reads "invalid credentials"; the right one learns of the lock.
    expectProblem(await http.post(app.api('/auth/login'), { login: user.username, password: 'bad-password-x' }), 401, 'invalid-credentials');
    const locked = await http.post(app.api('/auth/login'), { login: user.username, password: TEST_PASSWORD });
    expectProblem(locked, 423, 'account-locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50);

    const admin = await adminUser(app);
    const audit = await http.get(app.api(`/audit-logs?resourceId=${user.id}&action=auth.*`), { token: admin.accessToken });
    expect(audit.status).toBe(200);
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a === 'auth.login.failed')).toHaveLength(3);
    expect(actions).toContain('auth.lock');

    const unlock = await http.post(app.api(`/users/${user.id}/unlock`), {}, { token: admin.accessToken });
    expect(unlock.status).toBe(200);
    expect((await http.post(app.api('/auth/login'), { login: user.username, password: TEST_PASSWORD })).status).toBe(200);
    const after = await http.get(app.api(`/audit-logs?resourceId=${user.id}&action=auth.unlock`), { token: admin.accessToken });
    expect(after.body.items).toHaveLength(1);
  });

  it('rotates refresh tokens and revokes the family when a spent one is replayed', async () => {
    const user = await newUser(app);
    const first = await http.post(app.api('/auth/refresh'), { refreshToken: user.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    const replay = await http.post(app.api('/auth/refresh'), { refreshToken: user.refreshToken });
    expectProblem(replay, 401, 'invalid-refresh-token');
    // The whole family is gone: the token issued by the legitimate rotation fails too, and so does its access token.
    expectProblem(await http.post(app.api('/auth/refresh'), { refreshToken: first.body.refreshToken }), 401);
    expectProblem(await http.get(app.api('/me'), { token: first.body.accessToken }), 401, 'token-revoked');
  });

  it('refuses malformed, tampered, alg:none, foreign-key and expired tokens', async () => {
    const user = await newUser(app);
    const [header, payload, signature] = user.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const cases: Record<string, string> = {
      garbage: 'not-a-token',
      tampered: `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`,
      algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
      otherKey: `${header}.${payload}.${createHmac('sha256', 'another-secret-another-secret-another').update(`${header}.${payload}`).digest('base64url')}`,
      expired: (() => {
        const body = b64({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 });
        const sig = createHmac('sha256', app.config.jwtSecret).update(`${header}.${body}`).digest('base64url');
        return `${header}.${body}.${sig}`;
      })(),
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await http.get(app.api('/me'), { token });
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expectProblem(res, 401);
    }
    expectProblem(await http.get(app.api('/me'), { headers: { authorization: 'Basic abc' } }), 401);
    expectProblem(await http.get(app.api('/me')), 401, 'unauthorized');
  });

  it('logout ends one session; logout-all ends every token at once', async () => {
    const user = await newUser(app);
    const second = await login(app, user.username, TEST_PASSWORD);
    const sessions = await http.get(app.api('/me/sessions'), { token: user.accessToken });
    expect(sessions.body.items).toHaveLength(2);
    expect(sessions.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);

    expect((await http.post(app.api('/auth/logout'), { refreshToken: second.refreshToken }, { token: second.accessToken })).status).toBe(204);
    expectProblem(await http.post(app.api('/auth/refresh'), { refreshToken: second.refreshToken }), 401);
    expectProblem(await http.get(app.api('/me'), { token: second.accessToken }), 401);
    expect((await http.get(app.api('/me'), { token: user.accessToken })).status).toBe(200);

    expect((await http.post(app.api('/auth/logout-all'), undefined, { token: user.accessToken })).status).toBe(204);
    expectProblem(await http.get(app.api('/me'), { token: user.accessToken }), 401, 'token-revoked');
    expectProblem(await http.post(app.api('/auth/refresh'), { refreshToken: user.refreshToken }), 401);
  });

  it('revokes one signed-in device from /me/sessions', async () => {
    const user = await newUser(app);
    const other = await login(app, user.username, TEST_PASSWORD);
    const list = await http.get(app.api('/me/sessions'), { token: user.accessToken });
    const target = list.body.items.find((s: { current: boolean }) => !s.current);
    expect((await http.delete(app.api(`/me/sessions/${target.id}`), { token: user.accessToken })).status).toBe(204);
    expectProblem(await http.get(app.api('/me'), { token: other.accessToken }), 401);
    expect((await http.get(app.api('/me'), { token: user.accessToken })).status).toBe(200);
    expectProblem(await http.delete(app.api(`/me/sessions/${target.id}`), { token: user.accessToken }), 404);
  });

  it('refuses a blocked user with a live token on the very next request', async () => {
    const admin = await adminUser(app);
    const user = await newUser(app);
    expect((await http.get(app.api('/me'), { token: user.accessToken })).status).toBe(200);
    expect((await http.post(app.api(`/users/${user.id}/block`), { reason: 'spam' }, { token: admin.accessToken })).status).toBe(200);
    expectProblem(await http.get(app.api('/me'), { token: user.accessToken }), 401, 'account-blocked');
    expectProblem(await http.post(app.api('/auth/login'), { login: user.username, password: TEST_PASSWORD }), 403, 'account-blocked');
    expect((await http.post(app.api(`/users/${user.id}/unblock`), {}, { token: admin.accessToken })).status).toBe(200);
    // Blocking ended its sessions: unblocking brings back none of its tokens, a new sign-in works.
    expectProblem(await http.get(app.api('/me'), { token: user.accessToken }), 401, 'token-revoked');
    expect((await http.get(app.api('/me'), { token: (await login(app, user.username, TEST_PASSWORD)).accessToken })).status).toBe(200);
  });

  it('refuses a disabled or deleted user with a live token', async () => {
    const admin = await adminUser(app);
    const disabled = await newUser(app);
    expect((await http.put(app.api(`/users/${disabled.id}/disabled`), { disabled: true }, { token: admin.accessToken })).status).toBe(200);
    expectProblem(await http.get(app.api('/me'), { token: disabled.accessToken }), 401, 'account-disabled');
    const deleted = await newUser(app);
    expect((await http.delete(app.api(`/users/${deleted.id}`), { token: admin.accessToken })).status).toBe(204);
    expectProblem(await http.get(app.api('/me'), { token: deleted.accessToken }), 401);
  });

  it('refuses every user of a disabled tenant', async () => {
    const tenant = await newTenant(app);
    const user = await newUser(app, { tenantId: tenant.id });
    const admin = await adminUser(app);
    expect((await http.patch(app.api(`/tenants/${tenant.id}`), { disabled: true }, { token: admin.accessToken })).status).toBe(200);
    expectProblem(await http.get(app.api('/me'), { token: user.accessToken }), 401, 'tenant-disabled');
  });
});

describe('login rate limit per IP', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ LOGIN_RATE_LIMIT_MAX: 3 });
  });
  afterAll(() => app.close());

  it('limits login attempts from one address, not the rest of the API', async () => {
    const user = await newUser(app); // one login
    for (let i = 0; i < 2; i++) expectProblem(await http.post(app.api('/auth/login'), { login: user.username, password: 'wrong-password-1' }), 401);
    const limited = await http.post(app.api('/auth/login'), { login: user.username, password: TEST_PASSWORD });
    expectProblem(limited, 429, 'too-many-requests');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await http.get(app.api('/me'), { token: user.accessToken })).status).toBe(200);
  });
});
