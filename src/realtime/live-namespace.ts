import type { EventPayload, LiveNamespaceOf, LiveRemoteSocket, ServerEventsMap } from './socket.types';
import { userRoom } from './realtime.constants';

/**
 * One namespace, typed by its server -> client events (`S`) and what its sockets keep in
 * `socket.data` (`D`). Everything goes through the namespace's adapter, so with REDIS_URL it
 * reaches the sockets of every node. A channel is a Socket.IO room: `user:<id>` (every socket of
 * a user), a socket id, or a room the namespace's gateway defines (the live rooms' `room:<id>`).
 */
export class LiveNamespace<S extends ServerEventsMap, D extends object = object> {
  constructor(
    readonly nsp: LiveNamespaceOf<S, D>,
    private readonly stopping: () => boolean,
  ) {}

  get name(): string {
    return this.nsp.name;
  }

  /** Sends `event` to every socket in `channel`, on every node; `except`: but the sockets in that channel (a socket id, say). */
  emit<E extends keyof S & string>(channel: string, event: E, payload: EventPayload<S, E>, options: { except?: string } = {}): void {
    // Events of requests that finish during shutdown would reach a closed Redis connection; their clients reconnect and catch up.
    if (this.stopping()) return;
    const target = options.except ? this.nsp.to(channel).except(options.except) : this.nsp.to(channel);
    // Socket.IO's emit types cannot follow a generic event name; the signature above keeps callers typed.
    (target.emit as unknown as (event: string, payload: unknown) => boolean).call(target, event, payload);
  }

  /** Sends `event` to every socket of one user in this namespace, wherever it is connected. */
  emitToUser<E extends keyof S & string>(userId: string, event: E, payload: EventPayload<S, E>): void {
    this.emit(userRoom(userId), event, payload);
  }

  /** Sends `event` to one socket (by id), wherever it is connected. */
  emitToSocket<E extends keyof S & string>(socketId: string, event: E, payload: EventPayload<S, E>): void {
    this.emit(socketId, event, payload);
  }

  /** Puts every socket of `from` (a channel: `user:<id>`, a socket id), on every node, into `channel`. */
  join(from: string, channel: string | string[]): void {
    if (this.stopping()) return;
    this.nsp.in(from).socketsJoin(channel);
  }

  /** Takes every socket of `from`, on every node, out of `channel`. */
  leave(from: string, channel: string | string[]): void {
    if (this.stopping()) return;
    this.nsp.in(from).socketsLeave(channel);
  }

  /** The sockets in `channel` on every node (a node that does not answer in time makes it reject). */
  sockets(channel: string | string[]): Promise<Array<LiveRemoteSocket<S, D>>> {
    return this.nsp.in(channel).fetchSockets();
  }
}
