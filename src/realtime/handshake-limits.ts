import proxyAddr from '@fastify/proxy-addr';
import type { LoggerService } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Namespace, Socket } from 'socket.io';
import type { TrustProxy } from '../common/config/env-parsers';
import { addressRoom, userRoom } from './realtime.constants';
import { SocketAuthError, type SocketMiddleware } from './socket-auth';
import type { LiveSocket } from './socket.types';

const HANDSHAKE_WINDOW_MS = 60_000;
/** The throttler name of handshakes in the rate-limit storage (its keys are `socket-handshake:<address>`). */
const HANDSHAKE_THROTTLER = 'socket-handshake';
/** The server-side event by which a node asks the others how many of their sockets are in a channel. */
const COUNT_EVENT = 'handshake-limits:count';

export interface HandshakeLimitsOptions {
  trustProxy: TrustProxy;
  /** Handshakes per client address per minute. */
  handshakesPerMinute: number;
  maxPerUser: number;
  maxPerAddress: number;
  /** Other nodes share the namespace through the Redis adapter (REDIS_URL): ask them for their counts. */
  clustered: boolean;
}

/**
 * What a client may open, checked at every handshake (reconnections too):
 *
 * - before authentication, a handshake rate per client address, counted in the HTTP rate limits'
 *   storage (Redis with REDIS_URL, so every node counts together; in process otherwise);
 * - after authentication, at most `maxPerAddress` sockets per client address and `maxPerUser` per user in the namespace,
 *   counted over every node from the sockets in the `address:` and `user:` channels: this node's
 *   rooms, and with REDIS_URL one number from each other node (`serverSideEmitWithAck`, a count
 *   rather than `fetchSockets()`, which would ship every socket's details at every handshake). No
 *   counter is kept, so nothing is left to leak when a node dies. Handshakes that race each other can
 *   both pass: the caps are a bound on resources, not on a count to the unit.
 *
 * The client address is what HTTP sees: the peer, or with TRUST_PROXY the address its proxies forwarded.
 * A refusal is a `connect_error` with `data: { status: 429, code: 'too-many-requests' | 'too-many-sockets', detail }`.
 */
export class HandshakeLimits {
  private readonly trust: (address: string, hop: number) => boolean;

  constructor(
    private readonly options: HandshakeLimitsOptions,
    private readonly storage: ThrottlerStorage,
    private readonly logger: LoggerService,
  ) {
    const { trustProxy } = options;
    this.trust = trustProxy === true ? () => true : trustProxy === false ? () => false : proxyAddr.compile(trustProxy);
  }

  /** The client's address, as HTTP's `request.ip` has it. */
  address(socket: Socket): string {
    return proxyAddr(socket.request, this.trust);
  }

  /** Answers the other nodes' counts of this namespace's sockets; once per namespace, before the middlewares. */
  install(namespace: Namespace): void {
    namespace.on(COUNT_EVENT, (channels: string[], reply: (counts: number[]) => void) => reply(channels.map((channel) => localCount(namespace, channel))));
  }

  /** Before authentication: the handshake rate of the client address (an unauthenticated flood stops here). */
  beforeAuthentication(): SocketMiddleware {
    return (socket, next) => {
      this.rate(this.address(socket)).then(next, (err: unknown) => this.failOpen(err, next));
    };
  }

  /** After authentication: the sockets of the client address and of the user, counted in one round over the nodes. */
  afterAuthentication(namespace: Namespace): SocketMiddleware {
    return (socket, next) => {
      const { userId } = (socket as unknown as LiveSocket).data.principal;
      this.caps(namespace, this.address(socket), userId).then(next, (err: unknown) => this.failOpen(err, next));
    };
  }

  private async rate(address: string): Promise<SocketAuthError | undefined> {
    const limit = this.options.handshakesPerMinute;
    const { totalHits, isBlocked } = await this.storage.increment(address, HANDSHAKE_WINDOW_MS, limit, 0, HANDSHAKE_THROTTLER);
    if (isBlocked || totalHits > limit) {
      return new SocketAuthError({ status: 429, code: 'too-many-requests', detail: `More than ${limit} connections a minute from this address; retry later.` });
    }
    return undefined;
  }

  private async caps(namespace: Namespace, address: string, userId: string): Promise<SocketAuthError | undefined> {
    const [ofAddress, ofUser] = await this.count(namespace, [addressRoom(address), userRoom(userId)]);
    const { maxPerAddress, maxPerUser } = this.options;
    const full = ofAddress >= maxPerAddress ? (['address', maxPerAddress] as const) : ofUser >= maxPerUser ? (['user', maxPerUser] as const) : undefined;
    if (!full) return undefined;
    return new SocketAuthError({ status: 429, code: 'too-many-sockets', detail: `This ${full[0]} already has ${full[1]} sockets connected here; close one first.` });
  }

  /** The sockets in each channel of the namespace over every node (a node that does not answer in time counts 0). */
  private async count(namespace: Namespace, channels: string[]): Promise<number[]> {
    const totals = channels.map((channel) => localCount(namespace, channel));
    if (!this.options.clustered) return totals;
    const others = (await namespace.serverSideEmitWithAck(COUNT_EVENT, channels).catch((err: { responses?: unknown[] }) => err.responses ?? [])) as unknown[];
    for (const counts of others) {
      if (!Array.isArray(counts)) continue;
      counts.forEach((n: unknown, i) => {
        if (typeof n === 'number' && i < totals.length) totals[i] += n;
      });
    }
    return totals;
  }

  /** A limit that cannot be checked (Redis failing) does not lock every client out; it is logged. */
  private failOpen(err: unknown, next: (err?: Error) => void): void {
    this.logger.warn?.({ msg: 'could not check the socket handshake limits; the handshake is let through', err });
    next();
  }
}

function localCount(namespace: Namespace, channel: string): number {
  return namespace.adapter.rooms.get(channel)?.size ?? 0;
}
