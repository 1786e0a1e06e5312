import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type Redis from 'ioredis';
import { Counter } from 'prom-client';
import type { Namespace, Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../common/config/app-config';
import { MetricsService } from '../common/metrics/metrics.service';
import { createRedisClient, logConnectionOutages } from '../common/redis/redis.module';
import { MAX_DISCONNECTION_MS, MAX_SOCKET_PAYLOAD_BYTES } from './realtime.constants';
import { RealtimeService } from './realtime.service';
import { UnpublishedBroadcasts } from './unpublished-broadcasts';

/** Socket.IO's CORS options from CORS_ORIGINS, with the same meaning as the HTTP CORS in server.ts. */
export function socketCors(origins: readonly string[]): NonNullable<ServerOptions['cors']> {
  return {
    origin: origins.includes('*') ? true : origins.length > 0 ? [...origins] : false,
    credentials: !origins.includes('*'),
  };
}

/**
 * The Socket.IO server of the app. Nest's IoAdapter attaches it to the HTTP server that
 * Fastify listens with (`app.getHttpServer()` is Fastify's `http.Server`; engine.io takes
 * the `/socket.io/` requests and upgrades, and hands every other request to Fastify), so
 * REST and Socket.IO share one port.
 *
 * - frames are limited to 64 KiB (`maxHttpBufferSize`); a bigger one closes the connection;
 * - CORS follows CORS_ORIGINS;
 * - connection state recovery keeps a dropped client's id, rooms, data and missed packets
 *   for two minutes; middlewares (authentication) run again on recovery;
 * - every namespace is registered with RealtimeService as Nest creates it (handshake authentication,
 *   identity channels): a namespace cannot go unauthenticated;
 * - with REDIS_URL, @socket.io/redis-streams-adapter fans out between nodes. Unlike the
 *   Pub/Sub redis adapter it supports connection state recovery (missed packets are read
 *   back from the stream and sessions are kept in Redis, so a client may come back on
 *   another node). Its stream, channels and session keys are all under
 *   `${REDIS_KEY_PREFIX}socket.io`. While Redis is unavailable, broadcasts reach this node's sockets
 *   at once and the others are told to resync when it is back (UnpublishedBroadcasts).
 */
export class SocketIoAdapter extends IoAdapter {
  private readonly socketLogger = new Logger('SocketIo');
  private readonly config: AppConfig;
  /** The Redis connections of the cluster adapter: ours plus those the adapter duplicates from it. */
  private readonly redisClients: Redis[] = [];
  private readonly closed = new WeakSet<Server>();

  constructor(private readonly app: INestApplicationContext) {
    super(app);
    this.config = app.get(AppConfig);
  }

  /**
   * Nest calls this for the shared server (no namespace) and then once per gateway namespace. Every
   * namespace, the root one included, is registered with RealtimeService, which authenticates its
   * handshakes: a gateway that forgot its namespace still cannot be reached anonymously.
   */
  override create(port: number, options?: ServerOptions & { namespace?: string; server?: Server }): Server {
    const created = super.create(port, options);
    const realtime = this.app.get(RealtimeService);
    // With a namespace, Nest's IoAdapter answers the shared server's Namespace (typed as a Server).
    if (options?.namespace) realtime.register(created as unknown as Namespace);
    else realtime.register((created as Server).of('/'));
    return created as Server;
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const env = this.config.env;
    const server: Server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
      cors: socketCors(env.CORS_ORIGINS),
      connectionStateRecovery: { maxDisconnectionDuration: MAX_DISCONNECTION_MS, skipMiddlewares: false },
      serveClient: false,
    } as ServerOptions);
    if (env.REDIS_URL) this.fanOutThroughRedis(server, env.REDIS_URL, `${env.REDIS_KEY_PREFIX}socket.io`);
    return server;
  }

  /**
   * The Redis streams adapter, guarded by UnpublishedBroadcasts: while Redis is unavailable a
   * broadcast reaches this node's sockets at once, and the channels it did not reach elsewhere get
   * `resync` when the publishing connection is ready again.
   */
  private fanOutThroughRedis(server: Server, url: string, prefix: string): void {
    const publisher = this.trackedClient(url);
    const unpublished = new UnpublishedBroadcasts(publisher, this.unpublishedCounter());
    const adapterFor = createAdapter(publisher, {
      streamName: prefix,
      channelPrefix: prefix,
      sessionKeyPrefix: `${prefix}:session:`,
      maxLen: 10_000,
      // Short blocking reads, so that a closing node lets go of Redis quickly.
      blockTimeInMs: 1000,
    });
    // Socket.IO calls `new Adapter(nsp)`; a function that returns an object stands in for a class.
    const guarded = function (nsp: Namespace) {
      return unpublished.guard(adapterFor(nsp), nsp.name);
    };
    server.adapter(guarded as unknown as Parameters<Server['adapter']>[0]);
    publisher.on('ready', () => unpublished.resync(server));
    this.socketLogger.log(`Socket.IO fans out through the Redis stream ${prefix}`);
  }

  private unpublishedCounter(): Counter {
    return new Counter({
      name: 'socketio_unpublished_broadcasts_total',
      help: 'Socket.IO broadcasts that could not be published to Redis (their channels are told to resync when it is back).',
      registers: [this.app.get(MetricsService).registry],
    });
  }

  /**
   * Closes the Socket.IO server (sockets are told "server shutting down", which connection state
   * recovery keeps, so clients can resume on another node; the adapters stop reading), then the Redis
   * connections. Socket.IO's close() would also close the HTTP server and wait for its keep-alive
   * connections; that server is Fastify's, closed next by Nest after in-flight requests finish, so it
   * is detached first.
   */
  override async close(serverOrNamespace: Server | Namespace): Promise<void> {
    // Nest hands over what the gateway was given: for a gateway with a namespace, the Namespace.
    const server = 'close' in serverOrNamespace ? serverOrNamespace : serverOrNamespace.server;
    if (this.closed.has(server)) return;
    this.closed.add(server);
    (server as unknown as { httpServer?: unknown }).httpServer = undefined;
    await server.close();
    // Closing sockets persist their sessions (SET) through auto-pipelining, which sends on the next tick;
    // QUIT is sent at once, so let those commands leave first.
    await new Promise((resolve) => setImmediate(resolve));
    const clients = this.redisClients.splice(0);
    await Promise.all(
      clients.map(async (client) => {
        if (client.status === 'end') return;
        await client.quit().catch(() => client.disconnect());
      }),
    );
  }

  /**
   * A client for the streams adapter. The adapter duplicates it for its blocking XREAD and
   * its Pub/Sub subscriber; those duplicates are recorded too, so that close() ends them.
   */
  private trackedClient(url: string): Redis {
    const client = createRedisClient(url, 'collab-backend-socket.io');
    const duplicate = client.duplicate.bind(client);
    client.duplicate = ((...args: Parameters<Redis['duplicate']>) => {
      const copy = duplicate(...args);
      logConnectionOutages(copy, `collab-backend-socket.io#${this.redisClients.length}`);
      this.redisClients.push(copy);
      return copy;
    }) as Redis['duplicate'];
    this.redisClients.push(client);
    return client;
  }
}
