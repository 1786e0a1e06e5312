import type { LoggerService } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type { Principal } from '../common/auth/principal';
import type { SocketMiddleware } from './socket-auth';
import type { LiveSocket, ResyncPayload } from './socket.types';

/** `PacketType.EVENT` of socket.io-parser: what Socket.IO itself writes a missed packet as. */
const EVENT = 2;

/** Where a restored session's channels and missed packets wait on `socket.data` until the handshake is authenticated. */
const HELD = Symbol('held recovery');

/** What a namespace's adapter restored for a socket (connection state recovery). */
interface Session {
  sid: string;
  pid: string;
  rooms: string[];
  data: Record<string | symbol, unknown>;
  missedPackets: unknown[][];
}

interface Held {
  channels: string[];
  packets: unknown[][];
  /** Whose socket it was: a session is given back to the same user of the same tenant only. */
  principal?: Pick<Principal, 'userId' | 'tenantId'>;
}

interface RestoringAdapter {
  restoreSession(pid: string, offset: string): Promise<Session | null> | Session | null;
}

/** Sent to a recovered socket that did not get every channel back: what it missed was dropped, fetch it again. */
export const RECOVERY_INCOMPLETE: ResyncPayload = {
  code: 'recovery-incomplete',
  detail: 'Some channels were not given back on reconnection and the events missed meanwhile were dropped; fetch the current state again.',
};

/**
 * What a namespace's gateway says about the channels of its own (`room:<id>`, ...) that a socket
 * was in before its connection dropped. The transport gives back only what `authorize` answers;
 * a channel of a namespace without a RecoveredChannels is not given back at all.
 */
export interface RecoveredChannels {
  /** Of `channels`, those the socket's principal (the one just authenticated) may still be in. */
  authorize(socket: LiveSocket, channels: readonly string[]): Promise<string[]>;
  /** Once the socket is connected: the channels it was not given back (tell the client why). */
  refused(socket: LiveSocket, channels: readonly string[]): void;
}

/**
 * Connection state recovery that authorizes before it restores. Socket.IO puts a recovered socket
 * back into its rooms and writes the packets it missed as soon as the adapter restores the session,
 * before any middleware runs, so a socket removed from a room while away would get the room back
 * with everything said there meanwhile. This guard makes the adapter's `restoreSession` (the
 * in-process adapter's and the Redis streams adapter's alike) hold the rooms and the missed packets
 * back on `socket.data`; the middleware, which runs after authentication, asks the namespace's
 * gateway which rooms the socket may still be in, joins those, and only then writes the missed
 * packets, in order, exactly as Socket.IO would have. When a room is refused, the missed packets
 * are all dropped (which packet went to which room is no longer known at this point) and the
 * client is told to `resync`; a session restored by another user or tenant gets nothing back.
 * The identity channels (`user:`, `tenant:`, `session:`, `api-key:`) are made again at connect
 * from the new principal.
 */
export class RecoveryGuard {
  private readonly refusals = new WeakMap<Socket, string[]>();

  constructor(
    private readonly isIdentityChannel: (channel: string) => boolean,
    private readonly gatewayOf: (namespace: string) => RecoveredChannels | undefined,
    private readonly logger: LoggerService,
  ) {}

  /** Makes the namespace's adapter hold restored rooms and missed packets back (before authentication). */
  install(namespace: Namespace): void {
    const adapter = namespace.adapter as unknown as RestoringAdapter;
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = async (pid, offset) => {
      const session = await restore(pid, offset);
      if (!session) return session;
      const principal = session.data.principal as Held['principal'];
      const held: Held = { channels: session.rooms, packets: session.missedPackets, principal };
      return { ...session, rooms: [], missedPackets: [], data: { ...session.data, [HELD]: held } };
    };
  }

  /** After authentication: gives a recovered socket back the channels it may still be in, then what it missed. */
  middleware(): SocketMiddleware {
    return (socket, next) => {
      const data = socket.data as Record<symbol, Held | undefined>;
      const held = data[HELD];
      if (!held) return next();
      delete data[HELD];
      this.restore(socket as unknown as LiveSocket, held).then(
        () => next(),
        (err: unknown) => {
          this.logger.error({ msg: 'could not authorize the rooms of a recovered socket: none given back', err });
          this.refusals.set(socket, held.channels.filter((c) => this.ownChannel(socket, c)));
          next();
        },
      );
    };
  }

  /** Once connected: tells a recovered socket which channels it did not get back, and to resync. */
  connected(socket: LiveSocket): void {
    const refused = this.refusals.get(socket as unknown as Socket);
    if (!refused) return;
    this.refusals.delete(socket as unknown as Socket);
    if (refused.length > 0) this.gatewayOf(socket.nsp.name)?.refused(socket, refused);
    socket.emit('resync', RECOVERY_INCOMPLETE);
  }

  private async restore(socket: LiveSocket, held: Held): Promise<void> {
    const { userId, tenantId } = socket.data.principal;
    const channels = held.channels.filter((c) => this.ownChannel(socket, c));
    const sameOwner = held.principal?.userId === userId && held.principal.tenantId === tenantId;
    const gateway = this.gatewayOf(socket.nsp.name);
    const allowed = sameOwner && gateway && channels.length > 0 ? new Set(await gateway.authorize(socket, channels)) : new Set<string>();
    const refused = channels.filter((c) => !allowed.has(c));
    await socket.join([...allowed]);
    if (!sameOwner || refused.length > 0) {
      this.refusals.set(socket as unknown as Socket, refused);
      return;
    }
    const raw = socket as unknown as { packet(packet: { type: number; data: unknown[] }): void };
    for (const packet of held.packets) raw.packet({ type: EVENT, data: packet });
  }

  /** A channel of the namespace (not the socket's own id, not an identity channel made again at connect). */
  private ownChannel(socket: Socket, channel: string): boolean {
    return channel !== socket.id && !this.isIdentityChannel(channel);
  }
}
