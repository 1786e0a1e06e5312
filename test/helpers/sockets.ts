import { Socket, io } from 'socket.io-client';
import type { Ack, AckError, SessionEndedPayload } from '../../src/realtime/socket.types';
import { ROOMS_NAMESPACE } from '../../src/rooms/live/rooms-live.types';

/** A real socket.io-client on the `/rooms` namespace, authenticated with `credential` (an access token or an API key). */
export function roomsSocket(url: string, credential: string): Socket {
  return io(`${url}${ROOMS_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: credential } });
}

/** How a handshake ended: connected, or refused with the problem in `connect_error.data`. */
export function handshakeOutcome(socket: Socket): Promise<{ connected: true } | { connected: false; error?: AckError }> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ connected: true }));
    socket.once('connect_error', (err: Error & { data?: AckError }) => resolve({ connected: false, error: err.data }));
  });
}

/** Emits an event and resolves with its acknowledgement. */
export async function emitAck<T = unknown>(socket: Socket, event: string, payload: unknown): Promise<Ack<T>> {
  return (await socket.timeout(5000).emitWithAck(event, payload)) as Ack<T>;
}

/** Resolves with `session:ended` and the disconnect reason once the server drops the socket. */
export function serverDrop(socket: Socket, timeoutMs = 5000): Promise<{ ended: SessionEndedPayload; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('session:ended', (ended: SessionEndedPayload) => {
      socket.once('disconnect', (reason) => {
        clearTimeout(timer);
        resolve({ ended, reason });
      });
    });
  });
}
