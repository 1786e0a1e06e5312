import Fastify, { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { requestContext } from '../context/request-context';
import { installRequestContext } from '../context/request-context.hooks';
import { installRequestLog } from '../logging/request-log';
import { installSecurityHeaders } from './security-headers';

/** The Fastify hooks every request passes through, on a bare Fastify instance. */
describe('request hooks', () => {
  let app: FastifyInstance;
  let url: string;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    app = Fastify({ trustProxy: true });
    app.addHook('onRequest', (request, reply, done) => {
      void reply.header('x-request-id', request.id);
      done();
    });
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    installSecurityHeaders(app);
    installRequestContext(app);
    installRequestLog(app, pino({ level: 'info' }, sink));
    app.get('/context', async () => ({ context: requestContext.get() }));
    // A body is read in the socket's callbacks, after onRequest: the handler must still see the context.
    app.post('/context', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return { context: requestContext.get() };
    });
    app.get('/fails', async (_req, reply) => reply.code(503).send({}));
    app.get('/health/live', async () => ({}));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(() => app.close());

  it('sends neither HSTS nor upgrade-insecure-requests over plain http', async () => {
    const res = await app.inject({ url: '/context' });
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['content-security-policy']).toContain(`default-src 'self'`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sends both when the request came over https (behind a trusted proxy)', async () => {
    const res = await app.inject({ url: '/context', headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });

  it('opens the request context, and keeps it across reading a body', async () => {
    const get = await app.inject({ url: '/context', headers: { 'user-agent': 'probe/1' } });
    expect(get.json().context).toMatchObject({ requestId: get.json().context.requestId, userAgent: 'probe/1' });
    // Over a real socket, so that the body arrives in chunks after the hooks ran.
    const post = await fetch(`${url}/context`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-with-body' },
      body: JSON.stringify({ big: 'x'.repeat(1_000_000) }),
    });
    expect(((await post.json()) as { context: { requestId: string } }).context.requestId).toBe(post.headers.get('x-request-id'));
    expect(requestContext.get()).toEqual({});
  });

  it('logs one line per answered request, at a level by status, and none for probes', async () => {
    lines.length = 0;
    const ok = await app.inject({ url: '/context?x=1', headers: { 'user-agent': 'probe/1' } });
    await app.inject({ url: '/fails' });
    await app.inject({ url: '/health/live' });
    await app.inject({ url: '/nowhere' });
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'request completed', method: 'GET', path: '/context', statusCode: 200, requestId: ok.json().context.requestId, userAgent: 'probe/1' }),
      expect.objectContaining({ level: 50, path: '/fails', statusCode: 503 }),
      expect.objectContaining({ level: 40, path: '/nowhere', statusCode: 404 }),
    ]);
    expect(lines[0].responseTime).toEqual(expect.any(Number));
  });
});
