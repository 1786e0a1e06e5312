import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { EventEmitter } from 'node:events';
import { Gauge } from 'prom-client';
import type { Namespace, Socket } from 'socket.io';
import { AuthenticatorService } from '../auth/authenticator.service';
import { AppConfig } from '../common/config/app-config';
import { DatabaseOutage } from '../common/database/database-outage';
import { MetricsService } from '../common/metrics/metrics.service';
import { HandshakeLimits } from './handshake-limits';
import { LiveNamespace } from './live-namespace';
import { addressRoom, apiKeyRoom, isIdentityRoom, sessionRoom, tenantRoom, userRoom } from './realtime.constants';
import { RecoveredChannels, RecoveryGuard } from './recovery-guard';
import { socketAuthMiddleware } from './socket-auth';
import type { LiveNamespaceOf, LiveSocket, ServerEventsMap, SessionEndedPayload } from './socket.types';

/** How often a node counts the nodes of the cluster (onNodeDown). */
const NODE_WATCH_MS = 2000;

const SESSION_ENDED: SessionEndedPayload = { code: 'session-ended', detail: 'The session has ended.' };
const EXPIRED: SessionEndedPayload = { code: 'token-expired', detail: 'The access token or API key expired; connect again with a fresh one.' };

/** The longest delay setTimeout takes (about 24.8 days); a later expiry is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The Socket.IO transport, for every namespace a gateway declares: it authenticates each
 * handshake (SocketIoAdapter registers every namespace here as Nest creates it, so no namespace
 * goes without), limits handshakes (HandshakeLimits), gives recovered sockets back only the
 * channels their gateway still allows (RecoveryGuard), puts each socket into the channels of its
 * user, tenant, session, API key and client address, drops sockets when their credentials stop
 * being valid or expire, and watches the nodes of the cluster.
 * It knows nothing about rooms, calendars or chats: gateways own their events and their channels.
 */
@Injectable()
export class RealtimeService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RealtimeService.name);
  private readonly namespaces = new Map<string, Namespace>();
  /** Per namespace: what its gateway lets a recovered socket have back. */
  private readonly recoveredChannels = new Map<string, RecoveredChannels>();
  private readonly recovery = new RecoveryGuard(isIdentityRoom, (name) => this.recoveredChannels.get(name), this.logger);
  private readonly limits: HandshakeLimits;
  /** `down` when another node leaves the cluster (watchNodes). */
  private readonly nodes = new EventEmitter();
  private nodeWatch?: NodeJS.Timeout;
  private nodeCount = 1;
  /** Set when the application starts shutting down: the adapter and its Redis connections are about to close. */
  private stopping = false;

  constructor(
    private readonly authenticator: AuthenticatorService,
    private readonly outage: DatabaseOutage,
    metrics: MetricsService,
    config: AppConfig,
    @InjectThrottlerStorage() throttlerStorage: ThrottlerStorage,
  ) {
    const { env } = config;
    this.limits = new HandshakeLimits(
      { trustProxy: env.TRUST_PROXY, handshakesPerMinute: env.SOCKET_HANDSHAKE_RATE_LIMIT_MAX, maxPerUser: env.SOCKET_MAX_PER_USER, maxPerAddress: env.SOCKET_MAX_PER_IP, clustered: Boolean(env.REDIS_URL) },
      throttlerStorage,
      this.logger,
    );
    const namespaces = this.namespaces;
    new Gauge({
      name: 'socketio_connected_sockets',
      help: 'Sockets connected to this node, over every namespace.',
      registers: [metrics.registry],
      collect() {
        let sockets = 0;
        for (const nsp of namespaces.values()) sockets += nsp.sockets.size;
        this.set(sockets);
      },
    });
    const clusterNodes = () => this.clusterNodes;
    new Gauge({
      name: 'socketio_cluster_nodes',
      help: 'Nodes of the Socket.IO cluster (this one included) at the last count; 1 without REDIS_URL.',
      registers: [metrics.registry],
      collect() {
        this.set(clusterNodes());
      },
    });
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
    clearInterval(this.nodeWatch);
  }

  /**
   * Prepares a namespace once. Each handshake (a reconnection too) goes through the handshake rate
   * of its client address, authentication (the same AuthenticatorService as HTTP), the sockets of
   * its client address and of its user and, for a recovered socket, the gateway's check of the channels it had.
   * At connect the socket joins the `user:<id>`, `tenant:<id>`, `session:<id>`, `api-key:<id>` and
   * `address:<ip>` channels that the disconnect methods and the caps address, and is dropped when
   * its credential expires.
   */
  register(namespace: Namespace): void {
    if (this.namespaces.get(namespace.name) === namespace) return;
    if (this.namespaces.has(namespace.name)) throw new Error(`the Socket.IO namespace ${namespace.name} is registered twice`);
    this.namespaces.set(namespace.name, namespace);
    if (this.namespaces.size === 1) this.watchNodes(namespace);
    this.recovery.install(namespace);
    this.limits.install(namespace);
    namespace.use(this.limits.beforeAuthentication());
    namespace.use(socketAuthMiddleware(this.authenticator, this.logger, this.outage));
    namespace.use(this.limits.afterAuthentication(namespace));
    namespace.use(this.recovery.middleware());
    namespace.on('connection', (socket: Socket) => {
      const live = socket as unknown as LiveSocket;
      const { userId, tenantId, sessionId, apiKeyId } = live.data.principal;
      const identity = [userRoom(userId), tenantRoom(tenantId), addressRoom(this.limits.address(socket))];
      void socket.join([...identity, ...(sessionId ? [sessionRoom(sessionId)] : []), ...(apiKeyId ? [apiKeyRoom(apiKeyId)] : [])]);
      this.recovery.connected(live);
      this.dropWhenExpired(live);
    });
  }

  /**
   * Declares what a recovered socket of the namespace may have back of the channels it was in
   * (connection state recovery): the gateway that owns the namespace's channels calls it once. A
   * namespace without one gives recovered sockets none of their channels back.
   */
  guardRecovery(namespace: string, channels: RecoveredChannels): void {
    this.recoveredChannels.set(namespace, channels);
  }

  /** A registered namespace, typed by its server -> client events `S` and socket data `D`. */
  namespace<S extends ServerEventsMap, D extends object = object>(name: string): LiveNamespace<S, D> {
    const nsp = this.namespaces.get(name);
    if (!nsp) throw new Error(`the Socket.IO namespace ${name} is not registered (no gateway declares it, or called before app.init())`);
    return new LiveNamespace(nsp as unknown as LiveNamespaceOf<S, D>, () => this.stopping);
  }

  /**
   * Drops every socket of the user on every node and namespace, at once (blocked, disabled,
   * deleted, signed out everywhere). The sockets first get `session:ended` with the reason; the
   * disconnect is a server disconnect ("io server disconnect"), which clients do not retry by
   * themselves and connection state recovery does not keep.
   */
  disconnectUser(userId: string, reason: SessionEndedPayload = SESSION_ENDED): void {
    this.disconnectChannel(userRoom(userId), reason);
  }

  /** Like disconnectUser, for the sockets signed in with one session's access tokens (logout of one device). */
  disconnectSession(sessionId: string, reason: SessionEndedPayload = SESSION_ENDED): void {
    this.disconnectChannel(sessionRoom(sessionId), reason);
  }

  /** Like disconnectUser, for the sockets authenticated with one API key (the key was revoked). */
  disconnectApiKey(apiKeyId: string, reason: SessionEndedPayload = { code: 'api-key-revoked', detail: 'The API key was revoked.' }): void {
    this.disconnectChannel(apiKeyRoom(apiKeyId), reason);
  }

  /** Drops every socket of a tenant's users on every node (the tenant was disabled). */
  disconnectTenant(tenantId: string, reason: SessionEndedPayload = { code: 'tenant-disabled', detail: 'The tenant is disabled.' }): void {
    this.disconnectChannel(tenantRoom(tenantId), reason);
  }

  /**
   * Calls `listener` when another node leaves the cluster (it closed, or crashed), within about
   * NODE_WATCH_MS of Redis noticing. Its sockets went without a disconnect event on this node.
   * Never called without REDIS_URL (one node). Returns the function that unsubscribes.
   */
  onNodeDown(listener: () => void | Promise<void>): () => void {
    const wrapped = () => {
      if (this.stopping) return;
      Promise.resolve()
        .then(listener)
        .catch((err: unknown) => this.logger.error({ err }, 'node-down listener failed'));
    };
    this.nodes.on('down', wrapped);
    return () => this.nodes.off('down', wrapped);
  }

  /** How many nodes (this one included) the cluster had at the last count, every NODE_WATCH_MS; 1 without REDIS_URL. */
  get clusterNodes(): number {
    return this.nodeCount;
  }

  /**
   * Drops the socket (`session:ended` with `token-expired`, then a server disconnect) when the access
   * token or API key it connected with expires. A client keeps its connection by reconnecting with a
   * fresh token before then.
   */
  private dropWhenExpired(socket: LiveSocket): void {
    const { expiresAt } = socket.data.principal;
    if (expiresAt === undefined) return;
    let timer: NodeJS.Timeout;
    const check = () => {
      const left = expiresAt - Date.now();
      if (left > 0) {
        timer = setTimeout(check, Math.min(left, MAX_TIMER_MS));
        timer.unref();
        return;
      }
      // Through the adapter, like the disconnect methods: the disconnect must not overtake the event.
      this.endSockets(socket.nsp, socket.id, EXPIRED);
    };
    check();
    socket.once('disconnect', () => clearTimeout(timer));
  }

  private disconnectChannel(channel: string, reason: SessionEndedPayload): void {
    if (this.stopping) return;
    for (const namespace of this.namespaces.values()) this.endSockets(namespace, channel, reason);
  }

  /** `session:ended`, then a server disconnect, for the sockets of one channel of a namespace, on every node. */
  private endSockets(namespace: Namespace, channel: string, reason: SessionEndedPayload): void {
    const target = namespace.in(channel);
    target.emit('session:ended', reason);
    target.disconnectSockets(false);
  }

  /**
   * Watches how many nodes the adapter counts (`serverCount()`: with the Redis streams adapter, the
   * subscribers of its Pub/Sub channel, so a node that closed or died drops out as soon as Redis sees
   * its connection go) and raises `down` when the number falls. The in-process adapter always counts 1.
   */
  private watchNodes(namespace: Namespace): void {
    const check = async () => {
      const count = await namespace.adapter.serverCount();
      // 0: this node's own subscription is not (or no longer) there, so the count says nothing.
      if (count === 0) return;
      if (count < this.nodeCount) this.nodes.emit('down');
      this.nodeCount = count;
    };
    const run = () => {
      check().catch((err: unknown) => this.logger.warn({ err }, 'could not count the Socket.IO nodes'));
    };
    run();
    this.nodeWatch = setInterval(run, NODE_WATCH_MS);
    this.nodeWatch.unref();
  }
}
