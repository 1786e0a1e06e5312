import type { AckCallback, LiveSocket } from '../../realtime/socket.types';
import type { RoomMessageDto } from '../messages/room-message.dto';
import type { RoomTranscriptDto } from '../transcripts/room-transcript.dto';
import type { AppendTranscriptPayload, JoinRoomPayload, RoomRefPayload, SendMessagePayload, WaitingDecisionPayload } from './rooms-live.dto';

/**
 * The live rooms protocol on Socket.IO (docs/rooms.md, "Socket.IO protocol"): its namespace, its
 * channels and the types of its events. Messages and transcript segments travel as the DTOs REST
 * returns; client payloads are the classes the gateway validates them with.
 */

/** The namespace of the live rooms. */
export const ROOMS_NAMESPACE = '/rooms';

/** The channel (Socket.IO room) of a live room: its sockets join it on `room:join`. */
export const roomChannel = (roomId: string): string => `room:${roomId}`;

/** The waiting room of a live room: sockets held until a moderator admits them. */
export const waitingChannel = (roomId: string): string => `waiting:${roomId}`;

/** What the rooms gateway keeps on `socket.data`, beside the principal of the handshake. */
export interface RoomsSocketData {
  /** Set at the first `room:join`: the name shown in presence. */
  displayName?: string;
}

/** A user with at least one socket in the live room (several sockets count once). */
export interface PresenceUser {
  userId: string;
  /** The user's display name, else the username. */
  displayName: string;
}

/** Everyone in the live room: to sockets that enter it without a `room:join` ack (admitted, recovered), and after a node is lost. */
export interface PresencePayload {
  roomId: string;
  users: PresenceUser[];
}

/** A user's first socket entered the live room (idempotent for clients: add to the set). */
export interface PresenceJoinedPayload {
  roomId: string;
  user: PresenceUser;
}

/** A user of a room: `presence:left` (its last socket left), `typing`, `waiting:admitted`, `waiting:denied`, `member:removed`. */
export interface RoomUserPayload {
  roomId: string;
  userId: string;
}

/**
 * Why a socket is no longer in a live room: `removed` (no longer a member, or a member whose room
 * role does not let it read), `access-revoked` (the tenant's policies, a role or a group no longer
 * allow `rooms:read`), `room-deleted`.
 */
export type RoomLeftReason = 'removed' | 'access-revoked' | 'room-deleted';

/** `room:left`: the server took the socket out of the live room (and its waiting room); join again only once allowed again. */
export interface RoomLeftPayload {
  roomId: string;
  reason: RoomLeftReason;
}

/** Someone waits to be admitted (to the owners and moderators in the room). */
export interface WaitingRequestPayload {
  roomId: string;
  userId: string;
  displayName: string;
  requestedAt: string;
}

/** `transcript:new`: the stored segment as REST returns it, plus its author as `userId`. */
export type TranscriptNewPayload = RoomTranscriptDto & { userId: string };

/** Every event the rooms gateway sends (the transport adds `session:ended`, `exception` and `resync`, TransportServerEvents). */
export type RoomsServerEvents = {
  presence: (payload: PresencePayload) => void;
  'presence:joined': (payload: PresenceJoinedPayload) => void;
  'presence:left': (payload: RoomUserPayload) => void;
  /** A stored message (a user's or a bot's), as REST returns it. */
  'message:new': (payload: RoomMessageDto) => void;
  /** The edited message: new `text`, `editedAt` set. */
  'message:edited': (payload: RoomMessageDto) => void;
  /** The deleted message: `text: ''`, `deleted: true`, `deletedAt` set. */
  'message:deleted': (payload: RoomMessageDto) => void;
  typing: (payload: RoomUserPayload) => void;
  'transcript:new': (payload: TranscriptNewPayload) => void;
  'waiting:request': (payload: WaitingRequestPayload) => void;
  'waiting:admitted': (payload: RoomUserPayload) => void;
  'waiting:denied': (payload: RoomUserPayload) => void;
  'member:removed': (payload: RoomUserPayload) => void;
  'room:left': (payload: RoomLeftPayload) => void;
};

/** The answer to `room:join`: in the room (with who is there), or held in the waiting room. */
export type RoomJoinData =
  | {
      status: 'joined';
      presence: PresenceUser[];
      /** To owners and moderators: who waits. */
      waiting?: PresenceUser[];
    }
  | { status: 'waiting' };

export interface RoomLeaveData {
  status: 'left';
}

export interface WaitingAdmitData {
  /** How many sockets of the user entered the room. */
  admitted: number;
}

export interface WaitingDenyData {
  /** How many sockets of the user left the waiting room. */
  denied: number;
}

/** `typing` stores nothing and answers an empty object. */
export type TypingData = Record<string, never>;

/**
 * Client -> server events of `/rooms`, for typed clients; the gateway declares them with
 * `@SubscribeMessage`. The transport's own (`ping`, on every namespace) are TransportClientEvents:
 * `Socket<RoomsServerEvents & TransportServerEvents, RoomsClientEvents & TransportClientEvents>`.
 */
export type RoomsClientEvents = {
  'room:join': (payload: JoinRoomPayload, ack: AckCallback<RoomJoinData>) => void;
  'room:leave': (payload: RoomRefPayload, ack: AckCallback<RoomLeaveData>) => void;
  'message:send': (payload: SendMessagePayload, ack: AckCallback<RoomMessageDto>) => void;
  typing: (payload: RoomRefPayload, ack: AckCallback<TypingData>) => void;
  'transcript:append': (payload: AppendTranscriptPayload, ack: AckCallback<RoomTranscriptDto>) => void;
  'waiting:admit': (payload: WaitingDecisionPayload, ack: AckCallback<WaitingAdmitData>) => void;
  'waiting:deny': (payload: WaitingDecisionPayload, ack: AckCallback<WaitingDenyData>) => void;
};

/** A socket of the rooms namespace, as the gateway sees it. */
export type RoomsSocket = LiveSocket<RoomsServerEvents, RoomsSocketData>;
