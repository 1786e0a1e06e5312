import type { IncomingMessage, ServerResponse } from 'node:http';
import { OidcStateCodec } from '../../src/auth/oidc/oidc-state';
import { parseEgressAllowEntry } from '../../src/common/egress/egress-policy';
import { TestUser, adminUser, newTenant } from '../helpers/factory';
import { expectProblem, http } from '../helpers/http';
import { TestHttpServer, sendJson, startHttpServer } from '../helpers/http-server';
import { TestApp, startTestApp } from '../helpers/test-app';

/**
 * The OIDC login's outgoing requests go through the egress guard: an issuer at an address the server
 * may not reach is refused when it is configured, and a discovery document that points the server
 * elsewhere (a token endpoint on a refused address, a redirect, an oversized document) is refused
 * before anything is sent there. The app allows only 127.0.0.1 on the port of the "identity provider"
 * below (EGRESS_ALLOW=127.0.0.1:<port>); every other local server is a refused destination.
 */
describe('OIDC through the egress guard', () => {
  let app: TestApp;
  let admin: TestUser;
  /** The allowed identity provider: each path prefix is an issuer with its own discovery document. */
  let idp: TestHttpServer;
  /** A refused destination (127.0.0.1 on another port) that must never hear from the server. */
  let victim: TestHttpServer;

  const issuer = (name: string) => `${idp.url}/${name}`;
  function discovery(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      issuer: issuer(name),
      authorization_endpoint: `${issuer(name)}/auth`,
      token_endpoint: `${issuer(name)}/token`,
      jwks_uri: `${issuer(name)}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      ...overrides,
    };
  }

  function serveIdp(req: IncomingMessage, res: ServerResponse): void {
    const name = (req.url ?? '').split('/')[1];
    if (!(req.url ?? '').endsWith('/.well-known/openid-configuration')) return sendJson(res, { error: 'not_found' }, 404);
    switch (name) {
      case 'token-elsewhere':
        return sendJson(res, discovery(name, { token_endpoint: `${victim.url}/token` }));
      case 'userinfo-metadata':
        return sendJson(res, discovery(name, { userinfo_endpoint: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }));
      case 'jwks-private':
        return sendJson(res, discovery(name, { jwks_uri: 'http://10.20.30.40/jwks' }));
      case 'no-authorization-endpoint': {
        const doc = discovery(name);
        delete doc.authorization_endpoint;
        return sendJson(res, doc);
      }
      case 'redirect':
        res.writeHead(302, { location: `${victim.url}/.well-known/openid-configuration` });
        return void res.end();
      case 'huge': {
        // A valid document of 4 MiB, sent in chunks without a Content-Length.
        res.writeHead(200, { 'content-type': 'application/json' });
        const text = JSON.stringify(discovery(name, { padding: 'x'.repeat(4 * 1024 * 1024) }));
        for (let i = 0; i < text.length; i += 64 * 1024) res.write(text.slice(i, i + 64 * 1024));
        return void res.end();
      }
      default:
        return sendJson(res, discovery(name));
    }
  }

  beforeAll(async () => {
    idp = await startHttpServer(serveIdp);
    victim = await startHttpServer((_req, res) => sendJson(res, { access_token: 'x', token_type: 'Bearer' }));
    app = await startTestApp({ EGRESS_ALLOW: [parseEgressAllowEntry(`127.0.0.1:${idp.port}`)], EGRESS_MAX_RESPONSE_BYTES: 256 * 1024 });
    admin = await adminUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await idp?.close();
    await victim?.close();
  });

  const setIssuer = (tenantId: string, url: string) =>
    http.put(app.api(`/tenants/${tenantId}/oidc`), { issuer: url, clientId: 'client', clientSecret: 'the-client-secret' }, { token: admin.accessToken });

  /** A tenant whose issuer is one of the allowed provider's documents. */
  async function tenantWithIssuer(name: string): Promise<{ id: string; slug: string }> {
    const tenant = await newTenant(app);
    expect((await setIssuer(tenant.id, issuer(name))).status).toBe(200);
    return tenant;
  }

  it('refuses an issuer at a loopback, private, link-local or metadata address when it is configured, and stores nothing', async () => {
    const tenant = await newTenant(app);
    for (const url of [
      victim.url,
      `http://localhost:${victim.port}`,
      'http://10.1.2.3',
      'http://192.168.1.10/realms/x',
      'http://169.254.169.254',
      'http://[fd00:ec2::254]',
      'https://100.64.1.1',
    ]) {
      const problem = expectProblem(await setIssuer(tenant.id, url), 400, 'validation-failed');
      expect({ url, error: problem.errors[0] }).toEqual({ url, error: expect.objectContaining({ field: 'issuer', code: 'forbidden-address' }) });
    }
    const stored = await http.get(app.api(`/tenants/${tenant.id}`), { token: admin.accessToken });
    expect(stored.body.oidc).toBeNull();
    expect(victim.requests).toEqual([]);
  });

  it('classifies a host name by its address: localhost on the allowed port is accepted', async () => {
    const tenant = await newTenant(app);
    expect((await setIssuer(tenant.id, `http://localhost:${idp.port}/plain`)).status).toBe(200);
  });

  it('refuses a discovery document whose token endpoint points at a refused address: the client secret is never sent', async () => {
    const tenant = await tenantWithIssuer('token-elsewhere');
    const refused = expectProblem(await http.get(app.api(`/auth/oidc/${tenant.slug}/authorize?mode=json`)), 502, 'egress-refused');
    expect(refused.detail).toContain('token_endpoint');

    // A callback with a state this server sealed gets no further.
    const state = app.app.get(OidcStateCodec).seal({ tid: tenant.id, cv: 'v'.repeat(43), n: 'nonce', ru: `${app.url}/cb`, exp: Math.floor(Date.now() / 1000) + 60 });
    expectProblem(await http.get(app.api(`/auth/oidc/${tenant.slug}/callback?code=abc&state=${state}`)), 502, 'egress-refused');
    expect(victim.requests).toEqual([]);
  });

  it('refuses userinfo and key-set endpoints at metadata or private addresses', async () => {
    for (const name of ['userinfo-metadata', 'jwks-private']) {
      const tenant = await tenantWithIssuer(name);
      const problem = expectProblem(await http.get(app.api(`/auth/oidc/${tenant.slug}/authorize?mode=json`)), 502, 'egress-refused');
      expect(problem.detail).toContain(name === 'jwks-private' ? 'jwks_uri' : 'userinfo_endpoint');
    }
  });

  it('does not follow a discovery redirect to a refused address', async () => {
    const tenant = await tenantWithIssuer('redirect');
    const res = await http.get(app.api(`/auth/oidc/${tenant.slug}/authorize?mode=json`));
    expect([502, 503]).toContain(res.status);
    expect(victim.requests).toEqual([]);
  });

  it('cuts off an oversized discovery document with a problem', async () => {
    const tenant = await tenantWithIssuer('huge');
    const problem = expectProblem(await http.get(app.api(`/auth/oidc/${tenant.slug}/authorize?mode=json`)), 502, 'upstream-response-too-large');
    expect(problem.detail).toContain(`larger than ${256 * 1024} bytes`);
  });

  it('answers a discovery document without authorization_endpoint with a problem, not a 500', async () => {
    const tenant = await tenantWithIssuer('no-authorization-endpoint');
    const problem = expectProblem(await http.get(app.api(`/auth/oidc/${tenant.slug}/authorize`)), 502, 'oidc-provider-error');
    expect(problem.detail).toContain('authorization_endpoint');
  });

  it('still starts a login with a well-formed document from the allowed provider', async () => {
    const tenant = await tenantWithIssuer('plain');
    const res = await http.get(app.api(`/auth/oidc/${tenant.slug}/authorize?mode=json`));
    expect(res.status).toBe(200);
    expect(res.body.authorizationUrl.startsWith(`${issuer('plain')}/auth?`)).toBe(true);
  });
});
