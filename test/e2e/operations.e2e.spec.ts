import { Logger as PinoNestLogger } from 'nestjs-pino';
import { expectProblem, http } from '../helpers/http';
import { TestApp, startTestApp } from '../helpers/test-app';

const METRICS_TOKEN = 'metrics-token-for-the-e2e-test';
const ORIGIN = 'https://app.example.com';

describe('operations: behind a trusted proxy, with CORS and a metrics token', () => {
  let app: TestApp;
  const logged: unknown[][] = [];

  beforeAll(async () => {
    // The application logger, after WithoutNestRouteMapping has filtered what reaches it.
    const log = jest.spyOn(PinoNestLogger.prototype, 'log').mockImplementation(function (this: unknown, ...args: unknown[]) {
      logged.push(args);
    });
    try {
      app = await startTestApp({ TRUST_PROXY: ['127.0.0.1', '::1'], CORS_ORIGINS: [ORIGIN], METRICS_TOKEN });
    } finally {
      log.mockRestore();
    }
  });
  afterAll(() => app.close());

  it('sends upgrade-insecure-requests and HSTS when the proxy says the request came over https', async () => {
    const https = await http.get(`${app.url}/docs`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    expect(https.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');

    const plain = await http.get(`${app.url}/docs`);
    expect(plain.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });

  it('lets browser scripts read the rate-limit headers the server actually sends', async () => {
    // Login runs under both budgets: the global one and `auth` (its headers carry an -auth suffix).
    const res = await http.post(app.api('/auth/login'), {}, { headers: { origin: ORIGIN } });
    const sent = [...res.headers.keys()].filter((name) => name.startsWith('x-ratelimit-'));
    expect(sent).toEqual(expect.arrayContaining(['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-remaining-auth']));
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const exposed = (res.headers.get('access-control-expose-headers') ?? '').split(',').map((name) => name.trim().toLowerCase());
    expect(exposed).toEqual(expect.arrayContaining([...sent, 'retry-after', 'x-request-id']));
  });

  it('refuses /metrics without the token, or with a wrong one, as a 401 problem', async () => {
    const none = await http.get(`${app.url}/metrics`);
    expectProblem(none, 401, 'unauthorized');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectProblem(await http.get(`${app.url}/metrics`, { token: 'metrics-token-for-the-e2e-tesT' }), 401, 'unauthorized');
    expectProblem(await http.get(`${app.url}/metrics`, { headers: { authorization: `Basic ${METRICS_TOKEN}` } }), 401, 'unauthorized');
  });

  it('serves /metrics with the token', async () => {
    const res = await http.get(`${app.url}/metrics`, { token: METRICS_TOKEN });
    expect(res.status).toBe(200);
    expect(res.text).toContain('http_requests_total');
  });

  it('logs the routes at the paths they are served on', () => {
    const routes = logged.filter((args) => args.at(-1) === 'Routes').map((args) => args[0]);
    expect(routes).toEqual(expect.arrayContaining(['GET /health/live', 'GET /health/ready', 'GET /metrics', 'GET /api/v1/me', 'GET /docs']));
    expect(routes).not.toContain('HEAD /health/live');
    const everything = logged.map((args) => String(args[0])).join('\n');
    expect(everything).not.toMatch(/\/api\/v1\/(health|metrics)/);
  });
});
