import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { Gauge } from 'prom-client';
import type { Namespace, Socket } from 'socket.io';
import { AuthenticatorService } from '../auth/authenticator.service';
import { DatabaseOutage } from '../common/database/database-outage';
import { MetricsService } from '../common/metrics/metrics.service';
import { LiveNamespace } from './live-namespace';
import { apiKeyRoom, sessionRoom, tenantRoom, userRoom } from './realtime.constants';
import { socketAuthMiddleware } from './socket-auth';
import type { LiveNamespaceOf, LiveSocket, ServerEventsMap, SessionEndedPayload } from './socket.types';

/** How often a node counts the nodes of the cluster (onNodeDown). */
const NODE_WATCH_MS = 2000;

const SESSION_ENDED: SessionEndedPayload = { code: 'session-ended', detail: 'The session has ended.' };

/**
 * The Socket.IO transport, for every namespace a gateway declares: it authenticates each
 * handshake (SocketIoAdapter registers every namespace here as Nest creates it, so no namespace
 * goes without), puts each socket into the channels of its user, tenant, session and API key,
 * drops sockets when their credentials stop being valid, and watches the nodes of the cluster.
 * It knows nothing about rooms, calendars or chats: gateways own their events and their channels.
 */
@Injectable()
export class RealtimeService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RealtimeService.name);
  private readonly namespaces = new Map<string, Namespace>();
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
  ) {
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
   * Prepares a namespace once: handshake authentication (the same AuthenticatorService as HTTP)
   * and, at connect, the `user:<id>`, `tenant:<id>`, `session:<id>` and `api-key:<id>` channels
   * that the disconnect methods address.
   */
  register(namespace: Namespace): void {
    if (this.namespaces.get(namespace.name) === namespace) return;
    if (this.namespaces.has(namespace.name)) throw new Error(`the Socket.IO namespace ${namespace.name} is registered twice`);
    this.namespaces.set(namespace.name, namespace);
    if (this.namespaces.size === 1) this.watchNodes(namespace);
    namespace.use(socketAuthMiddleware(this.authenticator, this.logger, this.outage));
    namespace.on('connection', (socket: Socket) => {
      const { data } = socket as unknown as LiveSocket;
      const { userId, tenantId, sessionId, apiKeyId } = data.principal;
      void socket.join([userRoom(userId), tenantRoom(tenantId), ...(sessionId ? [sessionRoom(sessionId)] : []), ...(apiKeyId ? [apiKeyRoom(apiKeyId)] : [])]);
    });
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

  private disconnectChannel(channel: string, reason: SessionEndedPayload): void {
    if (this.stopping) return;
    for (const namespace of this.namespaces.values()) {
      const target = namespace.in(channel);
      target.emit('session:ended', reason);
      target.disconnectSockets(false);
    }
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
