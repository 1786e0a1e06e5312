import { FixtureModule } from '../fixtures/fixture.module';
import { HttpResponse, expectProblem, http } from '../helpers/http';
import { TestApp, startTestApp } from '../helpers/test-app';

describe('platform (end to end over HTTP)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ BODY_LIMIT: 4096 }, { extraModules: [FixtureModule] });
  });
  afterAll(() => app.close());

  it('answers liveness and readiness', async () => {
    const live = await http.get(`${app.url}/health/live`);
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('ok');
    const ready = await http.get(`${app.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await http.get(app.api('/no-such-route'));
    const problem = expectProblem(res, 404, 'not-found');
    expect(problem).toMatchObject({ type: 'urn:collab:problem:not-found', title: 'Not Found', instance: '/api/v1/no-such-route' });
    expect(problem.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await http.post(app.api('/fixtures/echo'), undefined, { raw: '{"email": ', headers: { 'content-type': 'application/json' } });
    expectProblem(res, 400, 'malformed-json');
  });

  it('answers a body nested deeper than the limit with a 400 problem naming the body, before any validation', async () => {
    const deep = '{"email":'.repeat(200) + '1' + '}'.repeat(200);
    const res = await http.post(app.api('/fixtures/echo'), undefined, { raw: deep, headers: { 'content-type': 'application/json' } });
    const problem = expectProblem(res, 400, 'validation-failed');
    expect(problem.errors).toEqual([{ field: 'body', code: 'maxDepth', message: expect.stringContaining('64 levels') }]);
  });

  it('refuses NUL characters and lone surrogates in body keys and values, query and path parameters with a 400 naming the field', async () => {
    const json = { 'content-type': 'application/json' };
    const cases: Array<[Promise<HttpResponse>, string]> = [
      [http.post(app.api('/fixtures/echo'), { email: 'a\u0000@example.com', count: 1 }), 'email'],
      [http.post(app.api('/fixtures/echo'), undefined, { raw: '{"email":"a@example.com","count":1,"items":[{"name":"\\ud800"}]}', headers: json }), 'items.0.name'],
      [http.post(app.api('/fixtures/echo'), undefined, { raw: '{"email":"a@example.com","count":1,"\\u0000":1}', headers: json }), '\uFFFD'],
      [http.get(app.api('/fixtures/slow?ms=1%00')), 'ms'],
      [http.get(app.api('/users/a%00b')), 'id'],
    ];
    for (const [response, field] of cases) {
      const problem = expectProblem(await response, 400, 'validation-failed');
      expect(problem.errors).toEqual([{ field, code: 'wellFormedText', message: expect.stringContaining('NUL characters or unpaired UTF-16 surrogates') }]);
    }
  });

  it('answers what the router refuses by itself, malformed percent-encoding and over-long path parameters, with problems', async () => {
    for (const path of ['/users/%E0%A4%A', '/users/%', '/rooms/%ED%A0%80/members']) {
      const res = await http.get(app.api(path));
      const problem = expectProblem(res, 400, 'bad-request');
      expect(problem.detail).toMatch(/percent-encoded/);
      expect(problem.requestId).toBe(res.headers.get('x-request-id'));
    }
    const long = await http.get(app.api(`/users/${'x'.repeat(5000)}`));
    expect(expectProblem(long, 414, 'uri-too-long').detail).toBe('A path parameter is too long.');
  });

  it('answers a body over BODY_LIMIT with a 413 problem', async () => {
    const res = await http.post(app.api('/fixtures/echo'), { email: 'a@example.com', count: 1, pad: 'x'.repeat(8000) });
    expectProblem(res, 413, 'payload-too-large');
  });

  it('answers an unsupported content type with a 415 problem', async () => {
    const res = await http.post(app.api('/fixtures/echo'), undefined, { raw: '<a/>', headers: { 'content-type': 'application/xml' } });
    expectProblem(res, 415);
  });

  it('lists each invalid field, including unknown and nested ones', async () => {
    const res = await http.post(app.api('/fixtures/echo'), {
      email: 'not-an-email',
      count: 0,
      items: [{ name: 'far-too-long-name' }],
      admin: true,
    });
    const problem = expectProblem(res, 400, 'validation-failed');
    const fields = problem.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['admin', 'count', 'email', 'items.0.name']);
    expect(problem.errors.find((e: { field: string }) => e.field === 'admin')).toMatchObject({ code: 'whitelistValidation' });
  });

  it('accepts a valid body', async () => {
    const res = await http.post(app.api('/fixtures/echo'), { email: 'a@example.com', count: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ email: 'a@example.com', count: 2 });
  });

  it('turns an unexpected exception into a 500 problem without internals', async () => {
    const res = await http.get(app.api('/fixtures/boom'));
    const problem = expectProblem(res, 500, 'internal');
    expect(res.text).not.toContain('secret internal detail');
    expect(res.text).not.toContain('at ');
    expect(problem.requestId).toBeTruthy();
  });

  it('echoes a sane x-request-id and replaces an unsafe one', async () => {
    const echoed = await http.get(`${app.url}/health/live`, { headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await http.get(`${app.url}/health/live`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers', async () => {
    const res = await http.get(`${app.url}/health/live`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('sends neither upgrade-insecure-requests nor HSTS over plain http, whatever an untrusted client claims', async () => {
    for (const headers of [{}, { 'x-forwarded-proto': 'https' }] as Record<string, string>[]) {
      const res = await http.get(`${app.url}/docs`, { headers });
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self' 'unsafe-inline'");
      expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('exposes Prometheus metrics with an HTTP histogram by route pattern and status', async () => {
    await http.get(app.api('/fixtures/slow?ms=1'));
    const res = await http.get(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*method="GET",route="\/api\/v1\/fixtures\/slow",status_code="200"/);
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const doc = await http.get(`${app.url}/openapi.json`);
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const ui = await http.get(`${app.url}/docs`);
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('lets in-flight requests finish when it shuts down', async () => {
    const other = await startTestApp({}, { extraModules: [FixtureModule] });
    const inFlight = http.get(other.api('/fixtures/slow?ms=700'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const closing = other.close();
    const res = await inFlight;
    await closing;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ms: 700 });
  });
});

describe('rate limit', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMIT_MAX: 3, RATE_LIMIT_TTL_SECONDS: 60 }, { extraModules: [FixtureModule] });
  });
  afterAll(() => app.close());

  it('answers 429 problem+json with Retry-After past the limit, but never throttles health checks', async () => {
    for (let i = 0; i < 3; i++) expect((await http.get(app.api('/fixtures/slow?ms=0'))).status).toBe(200);
    const limited = await http.get(app.api('/fixtures/slow?ms=0'));
    expectProblem(limited, 429, 'too-many-requests');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect((await http.get(`${app.url}/health/live`)).status).toBe(200);
  });
});

const withRedis = process.env.REDIS_URL ? describe : describe.skip;

withRedis('rate limit across nodes (REDIS_URL)', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const shared = { RATE_LIMIT_MAX: 4, RATE_LIMIT_TTL_SECONDS: 60, REDIS_KEY_PREFIX: `test-shared-${process.pid}-${Date.now()}:` };
    a = await startTestApp(shared, { extraModules: [FixtureModule] });
    b = await startTestApp(shared, { extraModules: [FixtureModule] });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('counts requests to every node against one limit', async () => {
    for (const node of [a, b, a, b]) expect((await http.get(node.api('/fixtures/slow?ms=0'))).status).toBe(200);
    expectProblem(await http.get(a.api('/fixtures/slow?ms=0')), 429);
    expectProblem(await http.get(b.api('/fixtures/slow?ms=0')), 429);
  });
});
