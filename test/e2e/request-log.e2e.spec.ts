import { newTenant, newUser } from '../helpers/factory';
import { http } from '../helpers/http';
import { TestApp, startTestApp } from '../helpers/test-app';

/** The JSON lines the whole server logs while serving real HTTP requests: secrets in URLs and headers never reach them. */
describe('request log: no secrets from URLs or headers', () => {
  let app: TestApp;
  const written: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ LOG_LEVEL: 'info', LOG_PRETTY: false }, { logDestination: { write: (line: string) => void written.push(line) } });
  });
  afterAll(() => app?.close());

  /** The request lines written so far, parsed. */
  const requestLines = () =>
    written
      .join('')
      .split('\n')
      .filter((line) => line.includes('"request completed"'))
      .map((line) => JSON.parse(line) as { path: string; statusCode: number });

  it('logs paths without their query strings, secret path parameters and credential headers redacted', async () => {
    const user = await newUser(app);
    const tenant = await newTenant(app);
    const secrets = {
      verification: 'VerifyTokenSecret0123456789abcdefghijklmnopq',
      code: 'OidcCodeSecret-9f8e7d',
      state: 'OidcStateSecret-1a2b3c',
      invitation: 'InvitationTokenSecret0123456789abcdefghijklm',
      invite: 'ROOMCODE7',
      apiKey: 'ck_HeaderKeySecret123',
    };
    await http.get(app.api(`/auth/verify-email?token=${secrets.verification}`));
    await http.get(app.api(`/auth/oidc/${tenant.slug}/callback?code=${secrets.code}&state=${secrets.state}&iss=x`));
    await http.post(app.api(`/tenant-invitations/${secrets.invitation}/accept`), undefined, { token: user.accessToken });
    await http.post(app.api(`/invites/${secrets.invite}/redeem`), undefined, { token: user.accessToken });
    await http.get(app.api('/me'), { headers: { 'x-api-key': secrets.apiKey, cookie: `sid=${secrets.apiKey}` } });

    const paths = requestLines().map((line) => line.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/verify-email',
        `/api/v1/auth/oidc/${tenant.slug}/callback`,
        '/api/v1/tenant-invitations/[redacted]/accept',
        '/api/v1/invites/[redacted]/redeem',
        '/api/v1/me',
      ]),
    );
    const log = written.join('');
    for (const secret of [...Object.values(secrets), user.accessToken]) expect(log).not.toContain(secret);
  });
});
