import type { Namespace, Socket } from 'socket.io';
import type { Principal } from '../common/auth/principal';
import type { ProblemFieldError } from '../common/errors/problem.dto';

/** The error half of an acknowledgement: the problem+json essentials, safe to show to the client. */
export interface AckError {
  status: number;
  /** kebab-case, stable: clients switch on it (as in problem+json `code`). */
  code: string;
  detail?: string;
  errors?: ProblemFieldError[];
}

/** What every client -> server event answers through its acknowledgement callback. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };

export type AckCallback<T> = (response: Ack<T>) => void;

// ---- server -> client payloads (DESIGN section 7) ----

export interface PresenceMember {
  userId: string;
  /** When the user's first socket joined the room (ISO 8601). */
  joinedAt: string;
}

export interface PresencePayload {
  roomId: string;
  members: PresenceMember[];
}

export interface MessageNewPayload {
  roomId: string;
  id: string;
  /** The sender's own id for the message, so a sender can match its pending message. */
  clientMessageId?: string;
  authorId: string;
  text: string;
  createdAt: string;
}

export interface TypingPayload {
  roomId: string;
  userId: string;
}

export interface TranscriptNewPayload {
  roomId: string;
  id: string;
  userId: string;
  text: string;
  createdAt: string;
}

export interface WaitingRequestPayload {
  roomId: string;
  userId: string;
  requestedAt: string;
}

export interface WaitingAdmittedPayload {
  roomId: string;
  userId: string;
}

export interface MemberRemovedPayload {
  roomId: string;
  userId: string;
}

/** Sent just before the server drops a socket on purpose (user blocked, signed out everywhere, ...). */
export interface SessionEndedPayload {
  code: string;
  detail: string;
}

/** Every event the server emits on `/rooms`. Emit only through this map (STYLE item 19). */
export interface ServerToClientEvents {
  presence: (payload: PresencePayload) => void;
  'message:new': (payload: MessageNewPayload) => void;
  typing: (payload: TypingPayload) => void;
  'transcript:new': (payload: TranscriptNewPayload) => void;
  'waiting:request': (payload: WaitingRequestPayload) => void;
  'waiting:admitted': (payload: WaitingAdmittedPayload) => void;
  'member:removed': (payload: MemberRemovedPayload) => void;
  'session:ended': (payload: SessionEndedPayload) => void;
  /** An error of an event sent without an acknowledgement callback. */
  exception: (payload: { event: string; error: AckError }) => void;
}

export type ServerEvent = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];

/** Client -> server events are declared by their gateways (`@SubscribeMessage`); this map is for typed clients. */
export interface ClientToServerEvents {
  ping: (payload: PingPayload | undefined, ack: AckCallback<PongData>) => void;
}

export interface PingPayload {
  nonce?: string;
}

export interface PongData {
  pong: true;
  userId: string;
  nonce?: string;
}

/** Events between nodes (serverSideEmit); none yet. */
export type InterServerEvents = Record<string, never>;

/** What the handshake leaves on `socket.data`. */
export interface SocketData {
  principal: Principal;
}

export type RoomsNamespace = Namespace<Record<string, (...args: never[]) => void>, ServerToClientEvents, InterServerEvents, SocketData>;
export type RoomsSocket = Socket<Record<string, (...args: never[]) => void>, ServerToClientEvents, InterServerEvents, SocketData>;
