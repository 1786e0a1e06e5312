import { Socket, io } from 'socket.io-client';
import type { Ack, AckError, TransportServerEvents } from '../../src/realtime/socket.types';
import { ROOMS_NAMESPACE, RoomsServerEvents } from '../../src/rooms/live/rooms-live.types';

/** Real socket.io-client sockets on `/rooms`, for end-to-end tests. */

export type ServerEvents = RoomsServerEvents & TransportServerEvents;
export type LiveClient = Socket<ServerEvents>;
type ServerEvent = keyof ServerEvents;
export type Payload<E extends ServerEvent> = Parameters<ServerEvents[E]>[0];

/** Where socket.io-client keeps what it sends to resume a session (connection state recovery). */
export interface Resume {
  pid: string;
  offset: string;
}

/** The sockets the helpers opened; `closeClients()` in afterEach. */
const opened: LiveClient[] = [];

export function closeClients(): void {
  for (const socket of opened.splice(0)) socket.disconnect();
}

/** A socket that does not reconnect by itself; with `resume`, it asks to recover that session. */
export function client(url: string, token: string, resume?: Resume): LiveClient {
  const socket: LiveClient = io(`${url}${ROOMS_NAMESPACE}`, { autoConnect: false, transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
  opened.push(socket);
  // What socket.io-client itself keeps across a reconnection.
  if (resume) Object.assign(socket as unknown as { _pid?: string; _lastOffset?: string }, { _pid: resume.pid, _lastOffset: resume.offset });
  return socket;
}

/** Connects; resolves once connected, or rejects with the connect_error (its `data`: the refusal). */
export async function connected(socket: LiveClient): Promise<LiveClient> {
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
    socket.connect();
  });
  return socket;
}

export function connect(url: string, token: string): Promise<LiveClient> {
  return connected(client(url, token));
}

/** The connect_error of a handshake that must be refused. */
export function refusal(url: string, token: string): Promise<Error & { data?: AckError }> {
  const socket = client(url, token);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('the handshake was accepted')));
    socket.once('connect_error', (err) => resolve(err as Error & { data?: AckError }));
    socket.connect();
  });
}

/** Sends an event (any payload) and resolves with its ack. */
export async function send<T = unknown>(socket: LiveClient, event: string, ...payload: unknown[]): Promise<Ack<T>> {
  const timed = socket.timeout(5000);
  return (await (timed.emitWithAck as (event: string, ...args: unknown[]) => Promise<unknown>).call(timed, event, ...payload)) as Ack<T>;
}

/** The next `event` (that `match`es) the socket receives. */
export function nextEvent<E extends ServerEvent>(socket: LiveClient, event: E, match: (payload: Payload<E>) => boolean = () => true, timeoutMs = 5000): Promise<Payload<E>> {
  const on = socket.on as (e: string, l: (payload: Payload<E>) => void) => void;
  const off = socket.off as (e: string, l: (payload: Payload<E>) => void) => void;
  return new Promise((resolve, reject) => {
    const listener = (payload: Payload<E>) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      off.call(socket, event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      off.call(socket, event, listener);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    on.call(socket, event, listener);
  });
}

/** Every `event` (that `match`es) the socket receives from now on, registered before it connects if need be. */
export function record<E extends ServerEvent>(socket: LiveClient, event: E, match: (payload: Payload<E>) => boolean = () => true): Array<Payload<E>> {
  const seen: Array<Payload<E>> = [];
  (socket.on as (e: string, l: (payload: Payload<E>) => void) => void).call(socket, event, (payload) => {
    if (match(payload)) seen.push(payload);
  });
  return seen;
}

/** Resolves with the reason of the socket's next disconnect. */
export function disconnected(socket: LiveClient, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!socket.connected) return resolve('already disconnected');
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Polls until the probe holds. */
export async function eventually(probe: () => Promise<boolean> | boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > timeoutMs) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A dropped network: closes the transport (a disconnect the server keeps the session for) and
 * returns what socket.io-client would send to resume. The caller waits until the server let go.
 */
export async function dropTransport(socket: LiveClient): Promise<Resume> {
  const state = socket as unknown as { _pid?: string; _lastOffset?: string };
  const resume = { pid: state._pid!, offset: state._lastOffset! };
  const drop = disconnected(socket);
  socket.io.engine.close();
  await drop;
  return resume;
}
