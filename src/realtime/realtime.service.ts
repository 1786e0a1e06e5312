import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { RoomsNamespace, RoomsSocket, ServerEvent, ServerEventPayload, SessionEndedPayload } from './events';
import { apiKeyRoom, roomChannel, sessionRoom, tenantRoom, userRoom } from './realtime.constants';
import type { SocketMiddleware } from './socket-auth';

/** How often a node counts the nodes of the cluster (onNodeDown). */
const NODE_WATCH_MS = 2000;

/**
 * The one way domain code talks to live clients. Everything goes through the
 * namespace's adapter, so with REDIS_URL it reaches the sockets of every node.
 */
@Injectable()
export class RealtimeService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RealtimeService.name);
  private namespace?: RoomsNamespace;
  /** `down` when another node leaves the cluster (watchNodes). */
  private readonly nodes = new EventEmitter();
  private nodeWatch?: NodeJS.Timeout;
  private nodeCount = 1;
  /** Set when the application starts shutting down: the adapter and its Redis connections are about to close. */
  private stopping = false;

  beforeApplicationShutdown(): void {
    this.stopping = true;
    clearInterval(this.nodeWatch);
  }

  /**
   * Prepares the `/rooms` namespace once (RealtimeGateway does it in afterInit): the
   * handshake authentication middleware, and at connect the `user:<id>`, `tenant:<id>`,
   * `session:<id>` and `api-key:<id>` rooms that the disconnect methods address. It has no
   * dependencies of its own, so that users and auth can inject it without a cycle.
   */
  attach(namespace: RoomsNamespace, authenticate: SocketMiddleware): void {
    if (this.namespace === namespace) return;
    if (this.namespace) throw new Error('RealtimeService is already attached to another namespace');
    this.namespace = namespace;
    this.watchNodes(namespace);
    namespace.use(authenticate);
    namespace.on('connection', (socket: RoomsSocket) => {
      const { userId, tenantId, sessionId, apiKeyId } = socket.data.principal;
      void socket.join([userRoom(userId), tenantRoom(tenantId), ...(sessionId ? [sessionRoom(sessionId)] : []), ...(apiKeyId ? [apiKeyRoom(apiKeyId)] : [])]);
    });
  }

  /**
   * Sends `event` to every socket that joined the live room `roomId` (Socket.IO room `room:<id>`), on
   * every node; `exceptSocket`: but that one (by id).
   */
  emitToRoom<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>, options: { exceptSocket?: string } = {}): void {
    this.emitTo(roomChannel(roomId), event, payload, options.exceptSocket);
  }

  /** Sends `event` to one socket (by id), wherever it is connected. */
  emitToSocket<E extends ServerEvent>(socketId: string, event: E, payload: ServerEventPayload<E>): void {
    this.emitTo(socketId, event, payload);
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

  /** Sends `event` to every socket of one user, on every node. */
  emitToUser<E extends ServerEvent>(userId: string, event: E, payload: ServerEventPayload<E>): void {
    this.emitTo(userRoom(userId), event, payload);
  }

  /**
   * Drops every socket of the user on every node, at once (blocked, disabled, deleted,
   * signed out everywhere). The sockets first get `session:ended` with the reason; the
   * disconnect is a server disconnect ("io server disconnect"), which clients do not retry
   * by themselves and connection state recovery does not keep.
   */
  disconnectUser(userId: string, reason: SessionEndedPayload = { code: 'session-ended', detail: 'The session has ended.' }): void {
    this.disconnectRoom(userRoom(userId), reason);
  }

  /** Like disconnectUser, for the sockets signed in with one session's access tokens (logout of one device). */
  disconnectSession(sessionId: string, reason: SessionEndedPayload = { code: 'session-ended', detail: 'The session has ended.' }): void {
    this.disconnectRoom(sessionRoom(sessionId), reason);
  }

  /** Like disconnectUser, for the sockets authenticated with one API key (the key was revoked). */
  disconnectApiKey(apiKeyId: string, reason: SessionEndedPayload = { code: 'api-key-revoked', detail: 'The API key was revoked.' }): void {
    this.disconnectRoom(apiKeyRoom(apiKeyId), reason);
  }

  /** Drops every socket of a tenant's users on every node (the tenant was disabled). */
  disconnectTenant(tenantId: string, reason: SessionEndedPayload = { code: 'tenant-disabled', detail: 'The tenant is disabled.' }): void {
    this.disconnectRoom(tenantRoom(tenantId), reason);
  }

  /** Puts every socket of a user, on every node, into the live room `roomId` (for example when admitted from the waiting room). */
  joinUserToRoom(userId: string, roomId: string): void {
    this.nsp().in(userRoom(userId)).socketsJoin(roomChannel(roomId));
  }

  /** Takes every socket of a user, on every node, out of the live room `roomId` (for example when removed from the room). */
  removeUserFromRoom(userId: string, roomId: string): void {
    this.nsp().in(userRoom(userId)).socketsLeave(roomChannel(roomId));
  }

  /** The namespace, for gateways that need more than this service offers. */
  nsp(): RoomsNamespace {
    if (!this.namespace) throw new Error('the /rooms namespace is not initialised yet (RealtimeModule not imported, or called before app.init())');
    return this.namespace;
  }

  /**
   * Watches how many nodes the adapter counts (`serverCount()`: with the Redis streams adapter, the
   * subscribers of its Pub/Sub channel, so a node that closed or died drops out as soon as Redis sees
   * its connection go) and raises `down` when the number falls. The in-process adapter always counts 1.
   */
  private watchNodes(namespace: RoomsNamespace): void {
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

  private emitTo<E extends ServerEvent>(room: string, event: E, payload: ServerEventPayload<E>, exceptRoom?: string): void {
    // Events of requests that finish during shutdown would reach a closed Redis connection; their clients reconnect and catch up.
    if (this.stopping) return;
    const target = exceptRoom ? this.nsp().to(room).except(exceptRoom) : this.nsp().to(room);
    // Socket.IO's emit types cannot follow a generic event name; the signature above keeps callers typed.
    (target.emit as (event: string, payload: unknown) => boolean).call(target, event, payload);
  }

  private disconnectRoom(room: string, reason: SessionEndedPayload): void {
    if (this.stopping) return;
    if (!this.namespace) return; // nobody can be connected before the namespace exists
    const target = this.namespace.in(room);
    target.emit('session:ended', reason);
    target.disconnectSockets(false);
  }
}
