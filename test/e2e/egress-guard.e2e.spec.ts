import type { ServerResponse } from 'node:http';
import { EgressGuard, EgressLimits, Resolver } from '../../src/common/egress/egress-guard';
import { EgressError } from '../../src/common/egress/egress.error';
import { EgressPolicy, parseEgressAllowEntry } from '../../src/common/egress/egress-policy';
import { TestHttpServer, sendJson, startHttpServer } from '../helpers/http-server';

/**
 * The egress guard against real local HTTP servers: what it refuses never reaches the server, redirects
 * are checked hop by hop, bodies are cut off at the cap, slow servers at the time limit.
 */
describe('egress guard', () => {
  const limits: EgressLimits = { maxResponseBytes: 64 * 1024, timeoutMs: 2000, maxRedirects: 3 };
  const guards: EgressGuard[] = [];
  const guard = (allow: string[], resolver?: Resolver, over: Partial<EgressLimits> = {}) => {
    const g = new EgressGuard(new EgressPolicy(allow.map(parseEgressAllowEntry)), { ...limits, ...over }, resolver);
    guards.push(g);
    return g;
  };
  const refusal = async (promise: Promise<unknown>): Promise<EgressError> => {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EgressError);
    return err as EgressError;
  };

  let target: TestHttpServer;
  /** Listens on 127.0.0.2: loopback, but not the allowed 127.0.0.1. */
  let elsewhere: TestHttpServer;
  let endless: TestHttpServer;
  let endlessClosed: Promise<void>;
  let silent: TestHttpServer;

  beforeAll(async () => {
    target = await startHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const location = url.searchParams.get('to');
      if (location) {
        res.writeHead(Number(url.searchParams.get('status') ?? 302), { location });
        res.end();
      } else if (url.pathname === '/big') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 10 * 1024 * 1024 });
        res.end();
      } else sendJson(res, { path: url.pathname, host: req.headers.host, method: req.method, auth: req.headers.authorization ?? null });
    });
    elsewhere = await startHttpServer((_req, res) => sendJson(res, { secret: 'reached' }), '127.0.0.2');
    let closed: () => void;
    endlessClosed = new Promise((resolve) => (closed = resolve));
    endless = await startHttpServer((_req, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => closed());
      pump();
    });
    silent = await startHttpServer(() => undefined);
  });
  afterAll(async () => {
    await Promise.all(guards.map((g) => g.onModuleDestroy()));
    await Promise.all([target, elsewhere, endless, silent].map((s) => s?.close()));
  });

  it('fetches from an allowed address; without the allowance loopback is refused before any connection', async () => {
    const allowed = await guard(['127.0.0.1']).fetch(`${target.url}/hello`);
    expect(await allowed.json()).toMatchObject({ path: '/hello' });

    const before = target.requests.length;
    const err = await refusal(guard([]).fetch(`${target.url}/hello`));
    expect(err.failure).toBe('forbidden-address');
    expect(err.message).toContain('loopback');
    expect(target.requests.length).toBe(before);
  });

  it('judges a host name by the address it resolves to (localhost is loopback)', async () => {
    const res = await guard([`127.0.0.1:${target.port}`]).fetch(`http://localhost:${target.port}/by-name`);
    expect(await res.json()).toMatchObject({ path: '/by-name', host: `localhost:${target.port}` });
    expect((await refusal(guard([]).fetch(`http://localhost:${target.port}/`))).failure).toBe('forbidden-address');
    // Same address, another port than the allowance names.
    expect((await refusal(guard([`127.0.0.1:${target.port + 1}`]).fetch(`http://localhost:${target.port}/`))).failure).toBe('forbidden-address');
  });

  it('connects to the address it checked, keeping the host name for the Host header', async () => {
    const resolved: string[] = [];
    const pinned = guard(['127.0.0.1'], async (host) => {
      resolved.push(host);
      return ['127.0.0.1'];
    });
    const res = await pinned.fetch(`http://idp.test:${target.port}/pinned`);
    expect(await res.json()).toMatchObject({ path: '/pinned', host: `idp.test:${target.port}` });
    expect(resolved).toEqual(['idp.test']);

    // A name that resolves to a metadata address or a private one only is refused; a mix keeps the allowed address.
    const err = await refusal(guard(['127.0.0.1'], async () => ['169.254.169.254', '10.0.0.7']).fetch('http://rebind.test/'));
    expect(err.message).toMatch(/169\.254\.169\.254 \(a cloud metadata service\), 10\.0\.0\.7 \(private\)/);
    const mixed = await guard(['127.0.0.1'], async () => ['10.0.0.7', '127.0.0.1']).fetch(`http://mixed.test:${target.port}/mixed`);
    expect(await mixed.json()).toMatchObject({ path: '/mixed' });
    expect((await refusal(guard([], async () => { throw new Error('ENOTFOUND'); }).fetch('http://nowhere.test/'))).failure).toBe('unresolvable');
  });

  it('refuses literal private, link-local, metadata and mapped addresses, and other schemes', async () => {
    const g = guard(['127.0.0.1']);
    for (const url of ['http://10.1.2.3/', 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:169.254.169.254]/', 'http://[fd00:ec2::254]/', 'http://0.0.0.0/', 'http://[::1]/', 'http://2130706434/']) {
      expect({ url, failure: (await refusal(g.fetch(url))).failure }).toEqual({ url, failure: 'forbidden-address' });
    }
    expect((await refusal(g.fetch('file:///etc/passwd'))).failure).toBe('bad-url');
    expect((await refusal(g.assertAllowed('http://10.0.0.1/'))).failure).toBe('forbidden-address');
    await expect(g.assertAllowed(`${target.url}/`)).resolves.toBeUndefined();
  });

  it('checks every redirect hop: one to a refused address never reaches it', async () => {
    const g = guard(['127.0.0.1']);
    const followed = await g.fetch(`${target.url}/start?to=${encodeURIComponent('/landed')}`, { headers: { authorization: 'Bearer same-origin' } });
    expect(await followed.json()).toMatchObject({ path: '/landed', auth: 'Bearer same-origin' });

    for (const status of [301, 302, 303, 307, 308]) {
      const err = await refusal(g.fetch(`${target.url}/start?status=${status}&to=${encodeURIComponent(`${elsewhere.url}/secret`)}`));
      expect(err.failure).toBe('forbidden-address');
    }
    const metadata = await refusal(g.fetch(`${target.url}/start?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`));
    expect(metadata.failure).toBe('forbidden-address');
    expect(elsewhere.requests).toEqual([]);

    // The caller may take the redirect as it is, or refuse redirects.
    const manual = await g.fetch(`${target.url}/start?to=${encodeURIComponent(`${elsewhere.url}/secret`)}`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect((await refusal(g.fetch(`${target.url}/start?to=/x`, { redirect: 'error' }))).failure).toBe('bad-url');
    expect(elsewhere.requests).toEqual([]);
  });

  it('drops credentials on a redirect to another origin, and stops a redirect loop', async () => {
    const g = guard(['127.0.0.1']);
    const other = `http://localhost:${target.port}/landed`;
    const res = await g.fetch(`${target.url}/start?to=${encodeURIComponent(other)}`, { headers: { authorization: 'Bearer secret' } });
    expect(await res.json()).toMatchObject({ path: '/landed', auth: null });

    const loop = `${target.url}/loop?to=${encodeURIComponent('/loop?to=/loop%3Fto%3D/loop%253Fto%253D/loop%25253Fto%25253D/end')}`;
    expect((await refusal(g.fetch(loop))).failure).toBe('too-many-redirects');
  });

  it('cuts an endless body off at the size cap and closes the connection', async () => {
    const res = await guard(['127.0.0.1']).fetch(`${endless.url}/`);
    expect(res.status).toBe(200);
    const err = await refusal(res.text());
    expect(err.failure).toBe('response-too-large');
    expect(err.message).toContain(`larger than ${limits.maxResponseBytes} bytes`);
    await endlessClosed; // the server saw the request go away

    // A declared length above the cap fails before any body is read.
    expect((await refusal(guard(['127.0.0.1']).fetch(`${target.url}/big`))).failure).toBe('response-too-large');
  });

  it('gives up on a server that does not answer within the time limit', async () => {
    const started = Date.now();
    const err = await refusal(guard(['127.0.0.1'], undefined, { timeoutMs: 300 }).fetch(`${silent.url}/`));
    expect(err.failure).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
