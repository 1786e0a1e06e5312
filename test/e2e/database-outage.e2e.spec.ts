import { Logger as PinoNestLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { Socket, io } from 'socket.io-client';
import type { Ack, AckError } from '../../src/realtime/socket.types';
import { ROOMS_NAMESPACE } from '../../src/rooms/live/rooms-live.types';
import { RunningServer, startServer } from '../../src/server';
import { expectProblem, http } from '../helpers/http';
import { TcpProxy, startTcpProxy } from '../helpers/tcp-proxy';
import { TestDatabase, createTestDatabase } from '../helpers/test-database';
import { testConfig } from '../helpers/test-env';

/** PostgreSQL only: the embedded PGlite runs in-process, there is no connection a proxy could cut. */
const withPostgres = process.env.DATABASE_URL ? describe : describe.skip;

/** Requests made while the database is down: enough that one log line per request would show. */
const REQUESTS_DURING_OUTAGE = 12;

/** A Socket.IO client of the `/rooms` namespace; resolves once connected, or with the handshake's refusal. */
async function connectRooms(url: string, token: string): Promise<{ socket: Socket; refusal?: AckError }> {
  const socket = io(`${url}${ROOMS_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (err) => resolve({ socket, refusal: (err as Error & { data?: AckError }).data }));
  });
}

withPostgres('a PostgreSQL outage (through a proxy the test cuts and restores)', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let server: RunningServer;
  let token: string;
  const logged: Array<{ level: string; args: unknown[] }> = [];
  const spies: jest.SpyInstance[] = [];
  const sockets: Socket[] = [];

  const me = () => http.get(`${server.url}/api/v1/me`, { token });
  const login = () => http.post(`${server.url}/api/v1/auth/login`, { login: 'admin', password: server.config.env.ADMIN_PASSWORD });
  const messages = () => logged.map(({ level, args }) => `${level} ${JSON.stringify(args[0])}`);

  beforeAll(async () => {
    database = await createTestDatabase();
    // Connections during the outage are dropped at once, as by a database server that is down.
    proxy = await startTcpProxy(database.url, { whenCut: 'drop' });
    server = await startServer(testConfig({ DATABASE_URL: proxy.url }));
    const res = await login();
    expect(res.status).toBe(200);
    token = res.body.accessToken;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    for (const spy of spies) spy.mockRestore();
    await server?.close();
    await proxy?.close();
    await database?.drop();
  });

  it('answers 503 with Retry-After while the database is unreachable, logs it once, and recovers as soon as it is back', async () => {
    expect((await me()).status).toBe(200);
    const connected = await connectRooms(server.url, token);
    sockets.push(connected.socket);
    expect(connected.refusal).toBeUndefined();

    // The application logger, as operations.e2e.spec.ts captures it: every line of the outage, at any level.
    for (const level of ['log', 'warn', 'error'] as const) {
      spies.push(
        jest.spyOn(PinoNestLogger.prototype, level).mockImplementation(function (this: unknown, ...args: unknown[]) {
          logged.push({ level, args });
        }),
      );
    }
    proxy.cut();

    const during = [];
    for (let i = 0; i < REQUESTS_DURING_OUTAGE; i++) during.push(i % 3 === 2 ? await login() : await me());
    for (const res of during) {
      expectProblem(res, 503, 'service-unavailable');
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body.detail).toBe('The database is unreachable; retry shortly.');
    }
    const ready = await http.get(`${server.url}/health/ready`);
    expectProblem(ready, 503, 'not-ready');
    expect(ready.body.checks).toMatchObject({ database: { status: 'down' } });

    // Sockets meet the same outage: a handshake is refused with 503, an event that needs the database acks 503.
    for (let i = 0; i < 3; i++) {
      const refused = await connectRooms(server.url, token);
      sockets.push(refused.socket);
      expect(refused.refusal).toMatchObject({ status: 503, code: 'service-unavailable' });
      const ack = (await connected.socket.timeout(5000).emitWithAck('room:join', { roomId: randomUUID() })) as Ack<unknown>;
      expect(ack).toMatchObject({ ok: false, error: { status: 503, code: 'service-unavailable' } });
    }

    // One line for the whole outage, not one (with a stack) per request.
    expect(messages()).toEqual([expect.stringContaining('database unreachable')]);

    proxy.restore();
    const restoredAt = performance.now();
    let res = await me();
    while (res.status !== 200 && performance.now() - restoredAt < 5000) res = await me();
    const recoveryMs = performance.now() - restoredAt;
    expect(res.status).toBe(200);
    expect(recoveryMs).toBeLessThan(1000);
    expect((await http.get(`${server.url}/health/ready`)).status).toBe(200);
    expect((await login()).status).toBe(200);
    expect(messages()).toEqual([expect.stringContaining('database unreachable'), expect.stringContaining('database reachable again')]);
    process.stdout.write(`database outage: recovered ${recoveryMs.toFixed(1)} ms after the proxy was restored\n`);
  });
});
