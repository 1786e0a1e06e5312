import { DataSource } from 'typeorm';
import { OidcStateCodec } from '../../src/auth/oidc/oidc-state';
import { TestUser, adminUser, newTenant, newUser } from '../helpers/factory';
import { HttpResponse, expectProblem, http } from '../helpers/http';
import { IdpAccount, TestIdp, freePort, startOidcProvider } from '../helpers/oidc-provider';
import { TestSmtp, startSmtpServer, tokenFrom } from '../helpers/smtp';
import { TestApp, startTestApp } from '../helpers/test-app';

/**
 * OIDC login against a real OpenID Provider (oidc-provider) over HTTP: the
 * authorization code + PKCE round trip, provisioning, linking, and refusals.
 */
describe('OIDC login', () => {
  let app: TestApp;
  let idp: TestIdp;
  let smtp: TestSmtp;
  let admin: TestUser;
  let publicUrl: string;
  let tenantA: { id: string; slug: string };
  let tenantB: { id: string; slug: string };
  let tenantWithout: { id: string; slug: string };
  const frontEndPage = () => `${publicUrl}/app/oidc-return`;
  const callbackPath = (tenant: string) => `/api/v1/auth/oidc/${tenant}/callback`;
  let n = 0;
  const account = (extra: Partial<IdpAccount> = {}): IdpAccount => {
    const id = `${Date.now().toString(36)}${n++}`;
    const acc: IdpAccount = { sub: `sub-${id}`, email: `idp-${id}@corp.test`, email_verified: true, name: `Person ${id}`, ...extra };
    idp.addAccount(acc);
    return acc;
  };

  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    smtp = await startSmtpServer();
    app = await startTestApp({ PORT: port, PUBLIC_URL: publicUrl, SMTP_URL: smtp.url });
    [tenantA, tenantB, tenantWithout] = [await newTenant(app), await newTenant(app), await newTenant(app)];
    idp = await startOidcProvider({
      redirectUris: [
        `${publicUrl}${callbackPath(tenantA.slug)}`,
        `${publicUrl}${callbackPath(tenantA.id)}`,
        `${publicUrl}${callbackPath(tenantB.slug)}`,
        frontEndPage(),
      ],
    });
    admin = await adminUser(app);
    for (const tenant of [tenantA, tenantB]) {
      const res = await http.put(app.api(`/tenants/${tenant.id}/oidc`), { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret }, { token: admin.accessToken });
      expect(res.status).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await idp?.close();
    await smtp?.close();
  });

  async function authorizationUrl(tenant: string, query = ''): Promise<string> {
    const res = await http.get(app.api(`/auth/oidc/${tenant}/authorize?mode=json${query}`));
    expect(res.status).toBe(200);
    return res.body.authorizationUrl;
  }

  /** The browser's part: authorize, sign in at the provider, come back to the callback. */
  async function signIn(tenant: string, sub: string): Promise<HttpResponse> {
    const back = await idp.signIn(await authorizationUrl(tenant), sub);
    expect(back.pathname).toBe(callbackPath(tenant));
    return http.get(back.href);
  }

  const me = async (accessToken: string) => (await http.get(app.api('/me'), { token: accessToken })).body;
  const audits = (tenantId: string, action: string): Promise<Array<{ actor_id: string; resource_id: string; new_value: Record<string, unknown> }>> =>
    app.app.get(DataSource).query(`SELECT actor_id, resource_id, new_value FROM audit_logs WHERE tenant_id = $1 AND action = $2`, [tenantId, action]);

  it('redirects to the provider with PKCE S256, state, nonce and the callback as redirect_uri', async () => {
    const res = await fetch(app.api(`/auth/oidc/${tenantA.slug}/authorize`), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(idp.issuer);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: idp.clientId,
      response_type: 'code',
      redirect_uri: `${publicUrl}${callbackPath(tenantA.slug)}`,
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.any(String),
      state: expect.any(String),
      scope: 'openid email profile',
    });
  });

  it('provisions the user on first login and links the identity; the second login finds the same user', async () => {
    const alice = account({ preferred_username: 'alice.l', name: 'Alice Liddell' });
    const first = await signIn(tenantA.slug, alice.sub);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String), refreshToken: expect.any(String) });
    const profile = await me(first.body.accessToken);
    expect(profile).toMatchObject({ tenantId: tenantA.id, email: alice.email, username: 'alice.l', displayName: 'Alice Liddell', emailVerified: true, tenantRoles: ['member'] });

    const identities = await app.app.get(DataSource).query(`SELECT user_id, tenant_id, provider, subject FROM user_identities WHERE subject = $1`, [alice.sub]);
    expect(identities).toEqual([{ user_id: profile.id, tenant_id: tenantA.id, provider: idp.issuer, subject: alice.sub }]);
    const provisioned = await audits(tenantA.id, 'auth.oidc.provision');
    expect(provisioned.filter((a) => a.actor_id === profile.id)).toHaveLength(1);

    // Second login, this time addressing the tenant by id.
    const second = await signIn(tenantA.id, alice.sub);
    expect(second.status).toBe(200);
    expect((await me(second.body.accessToken)).id).toBe(profile.id);
    expect(await app.app.get(DataSource).query(`SELECT 1 FROM user_identities WHERE subject = $1`, [alice.sub])).toHaveLength(1);
    expect((await audits(tenantA.id, 'auth.oidc.provision')).filter((a) => a.actor_id === profile.id)).toHaveLength(1);
    const logins = await audits(tenantA.id, 'auth.login');
    expect(logins.filter((a) => a.actor_id === profile.id).map((a) => a.new_value)).toEqual([{ method: 'oidc' }, { method: 'oidc' }]);
  });

  it('makes a taken username unique and keeps an unverified address unverified', async () => {
    const first = account({ preferred_username: 'same-name' });
    const second = account({ preferred_username: 'same-name', email_verified: false });
    const a = await me((await signIn(tenantA.slug, first.sub)).body.accessToken);
    const b = await me((await signIn(tenantA.slug, second.sub)).body.accessToken);
    expect(a.username).toBe('same-name');
    expect(b.username).toMatch(/^same-name-[a-z0-9]{6}$/);
    expect(b.emailVerified).toBe(false);
  });

  it('links an existing user of the tenant only when the provider says the e-mail is verified', async () => {
    const local = await newUser(app, { tenantId: tenantA.id });
    const unverified = account({ email: local.email, email_verified: false });
    expectProblem(await signIn(tenantA.slug, unverified.sub), 409, 'oidc-email-unverified');

    const verified = account({ email: local.email, email_verified: true });
    const res = await signIn(tenantA.slug, verified.sub);
    expect(res.status).toBe(200);
    expect((await me(res.body.accessToken)).id).toBe(local.id);
    const linked = await audits(tenantA.id, 'auth.oidc.link');
    expect(linked.filter((a) => a.actor_id === local.id)).toEqual([
      expect.objectContaining({ new_value: expect.objectContaining({ userId: local.id, provider: idp.issuer, subject: verified.sub }) }),
    ]);
  });

  it('refuses an e-mail that belongs to a user of another tenant', async () => {
    const elsewhere = await newUser(app); // default tenant
    const acc = account({ email: elsewhere.email });
    expectProblem(await signIn(tenantA.slug, acc.sub), 409, 'email-in-other-tenant');
  });

  it("an identity of tenant A cannot sign into tenant B's callback", async () => {
    const acc = account();
    expect((await signIn(tenantA.slug, acc.sub)).status).toBe(200);
    // The same provider serves tenant B, but the identity belongs to a user of A.
    expectProblem(await signIn(tenantB.slug, acc.sub), 409, 'identity-other-tenant');

    // A login started for A, replayed at B's callback.
    const back = await idp.signIn(await authorizationUrl(tenantA.slug), acc.sub);
    const atB = expectProblem(await http.get(app.api(`/auth/oidc/${tenantB.slug}/callback${back.search}`)), 400, 'invalid-state');
    expect(atB.errors[0]).toMatchObject({ field: 'state', code: 'tenant-mismatch' });
    // Untouched, it still works at A; the code is single use.
    expect((await http.get(back.href)).status).toBe(200);
    const replay = expectProblem(await http.get(back.href), 400, 'oidc-code-rejected');
    expect(replay.errors[0].field).toBe('code');
  });

  it('refuses a tampered, foreign or expired state, and a missing code, with a 400 naming the field', async () => {
    const acc = account();
    const back = await idp.signIn(await authorizationUrl(tenantA.slug), acc.sub);
    const state = back.searchParams.get('state')!;
    const withState = (s: string) => {
      const url = new URL(back.href);
      url.searchParams.set('state', s);
      return url.href;
    };
    const flipped = `${state.slice(0, 20)}${state[20] === 'A' ? 'B' : 'A'}${state.slice(21)}`;
    for (const bad of [flipped, 'garbage', 'x'.repeat(300)]) {
      const problem = expectProblem(await http.get(withState(bad)), 400, 'invalid-state');
      expect(problem.errors[0]).toMatchObject({ field: 'state', code: 'tampered' });
    }
    const codec = app.app.get(OidcStateCodec);
    const opened = codec.open(state)!;
    const expired = codec.seal({ ...opened, exp: Math.floor(Date.now() / 1000) - 1 });
    const problem = expectProblem(await http.get(withState(expired)), 400, 'invalid-state');
    expect(problem.errors[0]).toMatchObject({ field: 'state', code: 'expired' });

    const noCode = new URL(back.href);
    noCode.searchParams.delete('code');
    expect(expectProblem(await http.get(noCode.href), 400).errors[0].field).toBe('code');
    expect(expectProblem(await http.get(`${publicUrl}${callbackPath(tenantA.slug)}?code=abc`), 400).errors[0].field).toBe('state');
    expectProblem(await http.get(`${publicUrl}${callbackPath(tenantA.slug)}?error=access_denied&state=${state}`), 400, 'oidc-denied');
    expect(expectProblem(await http.get(`${back.href}&extra=1`), 400).errors[0].field).toBe('extra');
  });

  it('answers 404 for a tenant without OIDC or an unknown tenant, 400 for a malformed one', async () => {
    expectProblem(await http.get(app.api(`/auth/oidc/${tenantWithout.slug}/authorize`)), 404, 'oidc-not-configured');
    expectProblem(await http.get(app.api(`/auth/oidc/${tenantWithout.id}/callback?code=a&state=b`)), 404, 'oidc-not-configured');
    expectProblem(await http.get(app.api('/auth/oidc/no-such-tenant/authorize')), 404);
    expect(expectProblem(await http.get(app.api('/auth/oidc/bad%20tenant/authorize')), 400).errors[0].field).toBe('tenant');
    expect(expectProblem(await http.get(app.api(`/auth/oidc/${tenantA.slug}/authorize?mode=popup`)), 400).errors[0].field).toBe('mode');
  });

  it("lets a front end receive the code on its own page (origin of PUBLIC_URL) and forward it; other origins are refused", async () => {
    const acc = account();
    const url = await authorizationUrl(tenantA.slug, `&redirectUri=${encodeURIComponent(frontEndPage())}`);
    expect(new URL(url).searchParams.get('redirect_uri')).toBe(frontEndPage());
    const back = await idp.signIn(url, acc.sub);
    expect(back.href.startsWith(`${frontEndPage()}?`)).toBe(true);
    const res = await http.get(app.api(`/auth/oidc/${tenantA.slug}/callback${back.search}`));
    expect(res.status).toBe(200);
    expect((await me(res.body.accessToken)).email).toBe(acc.email);

    const evil = await http.get(app.api(`/auth/oidc/${tenantA.slug}/authorize?mode=json&redirectUri=${encodeURIComponent('https://evil.example/cb')}`));
    expect(expectProblem(evil, 400).errors[0].field).toBe('redirectUri');
  });

  it('requires an e-mail from the provider', async () => {
    const acc = account({ email: undefined, email_verified: undefined });
    expectProblem(await signIn(tenantA.slug, acc.sub), 422, 'oidc-email-missing');
  });

  it('answers 503, not 500, when the provider cannot be reached', async () => {
    const tenant = await newTenant(app);
    const deadPort = await freePort();
    await http.put(app.api(`/tenants/${tenant.id}/oidc`), { issuer: `http://127.0.0.1:${deadPort}`, clientId: 'x' }, { token: admin.accessToken });
    expectProblem(await http.get(app.api(`/auth/oidc/${tenant.slug}/authorize`)), 503, 'oidc-unavailable');
  });

  it('signs a new user in with a tenant invitation: provisioned with its role, the invitation used once', async () => {
    const invited = account();
    const res = await http.post(app.api(`/tenant-invitations?tenantId=${tenantA.id}`), { email: invited.email, role: 'admin' }, { token: admin.accessToken });
    expect(res.status).toBe(201);
    const token = tokenFrom(await smtp.nextMailTo(invited.email!));
    const preview = await http.post(app.api('/tenant-invitations/preview'), { token });
    expect(preview.body.oidcLoginUrl).toBe(`${publicUrl}/api/v1/auth/oidc/${tenantA.slug}/authorize?invitation=${token}`);

    const back = await idp.signIn(await authorizationUrl(tenantA.slug, `&invitation=${token}`), invited.sub);
    const signedIn = await http.get(back.href);
    expect(signedIn.status).toBe(200);
    expect(await me(signedIn.body.accessToken)).toMatchObject({ tenantId: tenantA.id, email: invited.email, tenantRoles: ['admin'] });
    expectProblem(await http.post(app.api('/tenant-invitations/preview'), { token }), 410, 'invitation-used');
  });

  it("refuses another tenant's invitation at the OIDC login and provisions nobody", async () => {
    const invited = account();
    expect((await http.post(app.api(`/tenant-invitations?tenantId=${tenantB.id}`), { email: invited.email }, { token: admin.accessToken })).status).toBe(201);
    const token = tokenFrom(await smtp.nextMailTo(invited.email!));
    const back = await idp.signIn(await authorizationUrl(tenantA.slug, `&invitation=${token}`), invited.sub);
    const refused = expectProblem(await http.get(back.href), 400, 'validation-failed');
    expect(refused.errors).toEqual([expect.objectContaining({ field: 'invitation', code: 'otherTenant' })]);
    expect(await app.app.get(DataSource).query(`SELECT 1 FROM users WHERE email = $1`, [invited.email])).toEqual([]);
  });
});
