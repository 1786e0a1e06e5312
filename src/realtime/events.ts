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

/** A user with at least one socket in the live room (several sockets count once). */
export interface PresenceUser {
  userId: string;
  /** The user's display name, else the username. */
  displayName: string;
}

/** Everyone in the live room: sent to sockets that enter it without a `room:join` ack (admitted, recovered). */
export interface PresencePayload {
  roomId: string;
  users: PresenceUser[];
}

/** A user's first socket entered the live room (idempotent for clients: add to the set). */
export interface PresenceJoinedPayload {
  roomId: string;
  user: PresenceUser;
}

/** A user's last socket left the live room (left, dropped, removed). */
export interface PresenceLeftPayload {
  roomId: string;
  userId: string;
}

/**
 * A stored room message, as REST returns it (RoomMessageDto): `message:new`, `message:edited` (the
 * new text, `editedAt` set) and `message:deleted` (`text` empty, `deleted: true`, `deletedAt` set).
 */
export interface MessagePayload {
  roomId: string;
  id: string;
  /** Null for bot messages and for messages of a deleted user. */
  authorId: string | null;
  kind: 'user' | 'bot';
  /** The name a bot message was posted under; null for user messages. */
  botName: string | null;
  text: string;
  /** The sender's own id for the message, so a sender can match its pending message. */
  clientMessageId: string | null;
  deleted: boolean;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
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
  displayName: string;
  requestedAt: string;
}

export interface WaitingAdmittedPayload {
  roomId: string;
  userId: string;
}

export interface WaitingDeniedPayload {
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
  'presence:joined': (payload: PresenceJoinedPayload) => void;
  'presence:left': (payload: PresenceLeftPayload) => void;
  'message:new': (payload: MessagePayload) => void;
  'message:edited': (payload: MessagePayload) => void;
  'message:deleted': (payload: MessagePayload) => void;
  typing: (payload: TypingPayload) => void;
  'transcript:new': (payload: TranscriptNewPayload) => void;
  'waiting:request': (payload: WaitingRequestPayload) => void;
  'waiting:admitted': (payload: WaitingAdmittedPayload) => void;
  'waiting:denied': (payload: WaitingDeniedPayload) => void;
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
  // The live rooms (src/rooms/rooms.gateway.ts, docs/rooms.md "Socket.IO protocol").
  'room:join': (payload: { roomId: string; password?: string }, ack: AckCallback<RoomJoinData>) => void;
  'room:leave': (payload: { roomId: string }, ack: AckCallback<{ status: 'left' }>) => void;
  'message:send': (payload: { roomId: string; text: string; clientMessageId: string }, ack: AckCallback<MessagePayload>) => void;
  typing: (payload: { roomId: string }, ack: AckCallback<Record<string, never>>) => void;
  'transcript:append': (
    payload: { roomId: string; text: string; startedAt?: number; endedAt?: number; speakerUserId?: string; language?: string },
    ack: AckCallback<TranscriptSegmentData>,
  ) => void;
  'waiting:admit': (payload: { roomId: string; userId: string }, ack: AckCallback<{ admitted: number }>) => void;
  'waiting:deny': (payload: { roomId: string; userId: string }, ack: AckCallback<{ denied: number }>) => void;
}

/** The answer to `transcript:append`: the stored segment (the `RoomTranscriptDto` of REST). */
export interface TranscriptSegmentData {
  id: string;
  roomId: string;
  authorId: string | null;
  speakerUserId: string | null;
  text: string;
  language: string | null;
  startedAt: number | null;
  endedAt: number | null;
  createdAt: string;
}

/** The answer to `room:join`: in the room (with who is there), or held in the waiting room. */
export type RoomJoinData =
  | { status: 'joined'; presence: PresenceUser[]; waiting?: PresenceUser[] }
  | { status: 'waiting' };

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
  /** Set by the rooms gateway at the first `room:join`: the name shown in presence. */
  displayName?: string;
}

export type RoomsNamespace = Namespace<Record<string, (...args: never[]) => void>, ServerToClientEvents, InterServerEvents, SocketData>;
export type RoomsSocket = Socket<Record<string, (...args: never[]) => void>, ServerToClientEvents, InterServerEvents, SocketData>;
