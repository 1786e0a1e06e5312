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

export interface HandshakeLimitsOptions {
  trustProxy: TrustProxy;
  /** Handshakes per client address per minute. */
  handshakesPerMinute: number;
  maxPerUser: number;
  maxPerAddress: number;
}

/**
 * What a client may open, checked at every handshake (reconnections too):
 *
 * - a handshake rate per client address, counted in the HTTP rate limits' storage (Redis with
 *   REDIS_URL, so every node counts together; in process otherwise);
 * - at most `maxPerAddress` sockets per client address and `maxPerUser` per user in the namespace,
 *   counted over every node with `fetchSockets()` on the `address:` and `user:` channels (through the
 *   Redis streams adapter with REDIS_URL, in process otherwise), so nothing is left to leak when a node
 *   dies. Handshakes that race each other can both pass: the caps are a bound on resources, not on
 *   a count to the unit.
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

  /** Before authentication: the handshake rate and the sockets of the client address. */
  beforeAuthentication(namespace: Namespace): SocketMiddleware {
    return (socket, next) => {
      const address = this.address(socket);
      this.beforeAuthenticationOf(namespace, address).then(next, (err: unknown) => this.failOpen(err, next));
    };
  }

  /** After authentication: the sockets of the user. */
  afterAuthentication(namespace: Namespace): SocketMiddleware {
    return (socket, next) => {
      const { userId } = (socket as unknown as LiveSocket).data.principal;
      this.cap(namespace, userRoom(userId), this.options.maxPerUser, 'user').then(next, (err: unknown) => this.failOpen(err, next));
    };
  }

  private async beforeAuthenticationOf(namespace: Namespace, address: string): Promise<SocketAuthError | undefined> {
    const limit = this.options.handshakesPerMinute;
    const { totalHits, isBlocked } = await this.storage.increment(address, HANDSHAKE_WINDOW_MS, limit, 0, HANDSHAKE_THROTTLER);
    if (isBlocked || totalHits > limit) {
      return new SocketAuthError({ status: 429, code: 'too-many-requests', detail: `More than ${limit} connections a minute from this address; retry later.` });
    }
    return this.cap(namespace, addressRoom(address), this.options.maxPerAddress, 'address');
  }

  private async cap(namespace: Namespace, channel: string, max: number, of: 'user' | 'address'): Promise<SocketAuthError | undefined> {
    const open = await namespace.in(channel).fetchSockets();
    if (open.length < max) return undefined;
    return new SocketAuthError({ status: 429, code: 'too-many-sockets', detail: `This ${of} already has ${max} sockets connected here; close one first.` });
  }

  /** A limit that cannot be checked (Redis failing) does not lock every client out; it is logged. */
  private failOpen(err: unknown, next: (err?: Error) => void): void {
    this.logger.warn?.({ msg: 'could not check the socket handshake limits; the handshake is let through', err });
    next();
  }
}
