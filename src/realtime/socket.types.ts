import type { Namespace, RemoteSocket, Socket } from 'socket.io';
import type { Principal } from '../common/auth/principal';
import type { ErrorCode } from '../common/errors/error-codes';
import type { ProblemFieldError } from '../common/errors/problem.dto';

/** The error half of an acknowledgement: the problem+json essentials, safe to show to the client. */
export interface AckError {
  status: number;
  /** As in problem+json: one of the ErrorCode enum, stable, clients switch on it. */
  code: ErrorCode;
  detail?: string;
  errors?: ProblemFieldError[];
}

/** What every client -> server event answers through its acknowledgement callback. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };

export type AckCallback<T> = (response: Ack<T>) => void;

/** Sent just before the server drops a socket on purpose (user blocked, signed out everywhere, ...). */
export interface SessionEndedPayload {
  code: ErrorCode;
  detail: string;
}

/**
 * Sent when events meant for the socket may not have reached it: a node could not publish them
 * through Redis, or connection state recovery dropped them. The client fetches the state it shows again over REST (docs/realtime.md).
 */
export interface ResyncPayload {
  /** `redis-unavailable`: a node could not publish; `recovery-incomplete`: a reconnected socket did not get every channel back, and what it missed was dropped. */
  code: 'redis-unavailable' | 'recovery-incomplete';
  detail: string;
}

/** The error of an event sent without an acknowledgement callback. */
export interface ExceptionPayload {
  event: string;
  error: AckError;
}

/** Events the transport itself sends on every namespace, beside the namespace's own. */
export interface TransportServerEvents {
  'session:ended': (payload: SessionEndedPayload) => void;
  exception: (payload: ExceptionPayload) => void;
  resync: (payload: ResyncPayload) => void;
}

/** `ping` on every namespace (LiveGateway): checks the connection and who it is. */
export interface PingPayload {
  /** Echoed back. */
  nonce?: string;
}

export interface PongData {
  pong: true;
  userId: string;
  nonce?: string;
}

export interface TransportClientEvents {
  ping: (payload: PingPayload | undefined, ack: AckCallback<PongData>) => void;
}

/** A namespace's server -> client events: name -> (payload) => void. */
export type ServerEventsMap = { [event: string]: (payload: never) => void };

export type EventPayload<S extends ServerEventsMap, E extends keyof S> = Parameters<S[E]>[0];

/** What the handshake leaves on `socket.data`, plus what a namespace keeps there (`D`). */
export type SocketData<D extends object = object> = { principal: Principal } & Partial<D>;

/** Events between nodes (serverSideEmit); none. */
export type InterServerEvents = Record<string, never>;

type ClientEvents = Record<string, (...args: never[]) => void>;

export type LiveNamespaceOf<S extends ServerEventsMap, D extends object = object> = Namespace<ClientEvents, S & TransportServerEvents, InterServerEvents, SocketData<D>>;
export type LiveSocket<S extends ServerEventsMap = ServerEventsMap, D extends object = object> = Socket<ClientEvents, S & TransportServerEvents, InterServerEvents, SocketData<D>>;
export type LiveRemoteSocket<S extends ServerEventsMap = ServerEventsMap, D extends object = object> = RemoteSocket<S & TransportServerEvents, SocketData<D>>;
