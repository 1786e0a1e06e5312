import fastifyCors from '@fastify/cors';
import { DynamicModule, Logger as NestLogger, RequestMethod, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { AppConfig } from './common/config/app-config';
import { withGeneratedSecrets } from './common/config/generated-secrets';
import { installRequestContext } from './common/context/request-context.hooks';
import { EMBEDDED_POOL_SIZE, EmbeddedOrigin } from './common/database/embedded-postgres';
import { restrictFileModes } from './common/fs/private-files';
import { EMBEDDED_SNAPSHOT_DIR, EmbeddedStart, startEmbeddedDatabase } from './common/database/embedded-snapshot';
import { sendProblem } from './common/errors/problem.filter';
import { installInputGuards } from './common/http/input-guards';
import { installSecurityHeaders } from './common/http/security-headers';
import { installRequestLog } from './common/logging/request-log';
import { WithoutNestRouteMapping, logServedRoutes } from './common/logging/route-log';
import { MetricsService } from './common/metrics/metrics.service';
import { buildOpenApiDocument } from './common/openapi/openapi';
import { RATE_LIMIT_HEADERS } from './common/throttle/rate-limit-headers';
import { SocketIoAdapter } from './realtime/socket-io.adapter';
import { version } from '../package.json';

export const API_PREFIX = 'api/v1';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RunningServer {
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  /** Base URL the server listens on, such as http://127.0.0.1:3000. */
  readonly url: string;
  /** How the embedded database's data came to be; undefined on PostgreSQL. */
  readonly embeddedOrigin?: EmbeddedOrigin;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

/** Takes the caller's x-request-id when it is sane, else makes one; logs and responses carry it. */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  req.headers['x-request-id'] = id;
  return id;
}

export interface ServerOptions {
  /** Extra modules mounted beside the domain modules (test fixtures). */
  extraModules?: Array<Type | DynamicModule>;
  /**
   * The migrated snapshot a first start of the embedded database loads instead of running initdb
   * and every migration: its directory (default: dist/embedded, made by `npm run build`), or false.
   */
  embeddedSnapshot?: string | false;
  /** Where the JSON log lines go instead of stdout (an embedding application, the log tests). */
  logDestination?: DestinationStream;
}

/** Builds the application (Nest on Fastify, every cross-cutting hook) without listening. */
export async function createApp(config: AppConfig, databaseUrl: string, options: ServerOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.env.BODY_LIMIT,
    trustProxy: config.env.TRUST_PROXY,
    genReqId: requestId,
    return503OnClosing: true,
    // The router answers a malformed percent-encoding (400) or an over-long path parameter (414)
    // before any hook runs and outside Nest's error handler: make those answers problem+json too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply.header('x-request-id', request.id);
      sendProblem(error, request, reply);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl, options.extraModules, options.logDestination), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(new WithoutNestRouteMapping(app.get(Logger)));
  app.flushLogs();
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  logServedRoutes(fastify);
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });

  installSecurityHeaders(fastify);
  const origins = config.env.CORS_ORIGINS;
  await app.register(fastifyCors, {
    origin: origins.includes('*') ? true : origins.length > 0 ? origins : false,
    credentials: !origins.includes('*'),
    exposedHeaders: ['x-request-id', ...RATE_LIMIT_HEADERS],
  });

  const metrics = app.get(MetricsService);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  installRequestContext(fastify);
  installRequestLog(fastify, PinoLogger.root);
  installInputGuards(fastify);
  // While shutting down, in-flight responses close their connection so that close() need not wait for keep-alive timeouts.
  let shuttingDown = false;
  fastify.addHook('preClose', async () => {
    shuttingDown = true;
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (shuttingDown) void reply.header('connection', 'close');
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  const document = await buildOpenApiDocument(app, version);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
    customSiteTitle: 'Collaboration backend API',
  });

  app.useWebSocketAdapter(new SocketIoAdapter(app));
  await app.init();
  return app;
}

/**
 * Starts everything: the embedded database when DATABASE_URL is unset, the app, the listener. The
 * process's umask becomes 077 first: what the server writes is its user's alone.
 */
export async function startServer(givenConfig: AppConfig, options: ServerOptions = {}): Promise<RunningServer> {
  restrictFileModes();
  const config = withGeneratedSecrets(givenConfig);
  const start: EmbeddedStart | undefined = config.embeddedDatabase
    ? await startEmbeddedDatabase(config.dataDir, options.embeddedSnapshot ?? EMBEDDED_SNAPSHOT_DIR)
    : undefined;
  const embedded = start?.embedded;
  let app: NestFastifyApplication | undefined;
  try {
    // PGlite runs one query at a time, and pglite-socket mixes up the extended-protocol messages of
    // concurrent connections ("portal does not exist"): one connection, and requests queue for it.
    const appConfig = embedded ? config.with({ DATABASE_POOL_SIZE: EMBEDDED_POOL_SIZE }) : config;
    app = await createApp(appConfig, embedded?.url ?? config.env.DATABASE_URL!, options);
    await app.listen({ port: config.env.PORT, host: config.env.HOST });
  } catch (err) {
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.env.PORT;
  const host = config.env.HOST.includes(':') ? `[${config.env.HOST}]` : config.env.HOST;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
  new NestLogger('Server').log(
    `listening on ${url} (database: ${start ? describeEmbedded(start, config.dataDir) : 'PostgreSQL'}, redis: ${config.env.REDIS_URL ? 'on' : 'off'})`,
  );

  let closing: Promise<void> | undefined;
  const runningApp = app;
  return {
    app: runningApp,
    config,
    url,
    embeddedOrigin: embedded?.origin,
    close: () =>
      (closing ??= (async () => {
        try {
          await runningApp.close();
        } finally {
          await embedded?.stop();
        }
      })()),
  };
}

function describeEmbedded({ embedded, snapshotSkipped }: EmbeddedStart, dataDir: string): string {
  const origin = {
    existing: '',
    snapshot: ', first start from the build\'s migrated snapshot',
    initdb: `, first start: initdb (${snapshotSkipped ?? 'no snapshot'})`,
  }[embedded.origin];
  return `embedded PGlite in ${dataDir}${origin}`;
}
