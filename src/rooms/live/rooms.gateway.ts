import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { AccessService } from '../access/access.service';
import { AppException } from '../common/errors/app.exception';
import { ok, parsePayload } from '../realtime/ack';
import type { Ack, MessagePayload, PresenceUser, RoomJoinData, RoomsSocket, TranscriptNewPayload } from '../realtime/events';
import { RateLimitEvent } from '../realtime/rate-limit';
import { ROOMS_NAMESPACE, roomChannel, userRoom } from '../realtime/realtime.constants';
import { RealtimeService } from '../realtime/realtime.service';
import { SocketHandlers } from '../realtime/socket-handlers.decorator';
import type { RoomTranscriptDto } from './dto/room-extras.dto';
import { AppendTranscriptPayload, JoinRoomPayload, RoomRefPayload, SendMessagePayload, WaitingDecisionPayload } from './dto/socket.dto';
import { presenceOf, waitingChannel } from './presence';
import type { RoomActor } from './room-access';
import { RoomEvents } from './room-events';
import { RoomMessagesService } from './room-messages.service';
import { RoomTranscriptsService } from './room-transcripts.service';
import { RoomsService } from './rooms.service';

/** The prefix of the Socket.IO rooms of live rooms (`room:<id>`). */
const ROOM_PREFIX = roomChannel('');

/**
 * The live rooms protocol (DESIGN.md section 7, docs/rooms.md "Socket.IO protocol") on `/rooms`.
 * The handshake is authenticated by the realtime foundation; each event is authorized like its REST
 * twin (Casbin `rooms:<action>`, then RoomAccess) and calls the same services. Room state lives in
 * Socket.IO rooms (`room:<id>`, `waiting:<id>`), so fetchSockets sees it on every node.
 * `message:new` and `member:removed` come only from RoomEvents, for REST and socket changes alike.
 */
@WebSocketGateway({ namespace: ROOMS_NAMESPACE })
@SocketHandlers()
export class RoomsGateway implements OnModuleInit, OnModuleDestroy, OnGatewayConnection<RoomsSocket> {
  private readonly logger = new Logger(RoomsGateway.name);
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly rooms: RoomsService,
    private readonly messages: RoomMessagesService,
    private readonly events: RoomEvents,
    private readonly access: AccessService,
    private readonly realtime: RealtimeService,
    private readonly transcripts: RoomTranscriptsService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.events.onMessagePosted(({ roomId, message }) => {
        this.realtime.emitToRoom(roomId, 'message:new', message satisfies MessagePayload);
      }),
      this.events.on('message.edited', ({ roomId, message }) => {
        this.realtime.emitToRoom(roomId, 'message:edited', message satisfies MessagePayload);
      }),
      this.events.on('message.deleted', ({ roomId, message }) => {
        this.realtime.emitToRoom(roomId, 'message:deleted', message satisfies MessagePayload);
      }),
      this.events.onMemberRemoved(({ roomId, userId }) => {
        this.realtime.removeUserFromRoom(userId, roomId);
        this.realtime.nsp().in(userRoom(userId)).socketsLeave(waitingChannel(roomId));
        this.realtime.emitToUser(userId, 'member:removed', { roomId, userId });
        // Every socket of the user is out of the room now: no need to look for others.
        this.realtime.emitToRoom(roomId, 'presence:left', { roomId, userId });
      }),
      this.events.on('transcript.appended', ({ roomId, transcript }) => {
        // The whole RoomTranscriptDto (as REST returns it) plus `userId`, the author (TranscriptNewPayload).
        const payload = { ...transcript, userId: transcript.authorId ?? '' } satisfies TranscriptNewPayload;
        this.realtime.emitToRoom(roomId, 'transcript:new', payload);
      }),
      this.realtime.onNodeDown(() => this.resyncLocalRooms()),
      this.events.on('room.deleted', ({ roomId }) => {
        this.realtime.nsp().in([roomChannel(roomId), waitingChannel(roomId)]).socketsLeave([roomChannel(roomId), waitingChannel(roomId)]);
      }),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /**
   * Presence follows sockets that drop, and those that come back through connection state recovery
   * (they are in their rooms again: the others learn it, the socket gets the whole list).
   */
  handleConnection(socket: RoomsSocket): void {
    if (socket.recovered) for (const roomId of this.liveRoomsOf(socket)) void this.announceRecovered(socket, roomId);
    socket.on('disconnecting', () => {
      const left = this.liveRoomsOf(socket);
      if (left.length === 0) return;
      socket.once('disconnect', () => {
        for (const roomId of left) void this.announceLeft(socket.data.principal.userId, roomId);
      });
    });
  }

  /**
   * `room:join {roomId, password?}` -> `{status: 'joined', presence}` or `{status: 'waiting'}`. The
   * joiner gets the whole list in the ack; the room gets `presence:joined` when the user was not there.
   */
  @SubscribeMessage('room:join')
  @RateLimitEvent(5, 10_000)
  async join(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<RoomJoinData>> {
    const { roomId, password } = await parsePayload(JoinRoomPayload, body);
    await this.casbin(socket, 'read');
    const live = await this.rooms.authorizeLiveJoin(this.actor(socket), roomId, password);
    socket.data.displayName = live.displayName;
    if (socket.rooms.has(roomChannel(roomId))) return ok({ status: 'joined', presence: await this.presence(roomId) });
    if (live.mustWait) {
      await socket.join(waitingChannel(roomId));
      const inRoom = await this.realtime.nsp().in(roomChannel(roomId)).fetchSockets();
      const moderators = await this.rooms.liveModerators(socket.data.principal.tenantId, roomId, inRoom.map((s) => s.data.principal.userId));
      const request = { roomId, userId: socket.data.principal.userId, displayName: live.displayName, requestedAt: new Date().toISOString() };
      for (const moderatorId of moderators) this.realtime.emitToUser(moderatorId, 'waiting:request', request);
      return ok({ status: 'waiting' });
    }
    const before = await this.presence(roomId);
    await socket.join(roomChannel(roomId));
    const me: PresenceUser = { userId: socket.data.principal.userId, displayName: live.displayName };
    const wasThere = before.some((u) => u.userId === me.userId);
    if (!wasThere) this.realtime.emitToRoom(roomId, 'presence:joined', { roomId, user: me }, { exceptSocket: socket.id });
    const presence = wasThere ? before : [...before, me];
    if (live.role === 'OWNER' || live.role === 'MODERATOR') {
      return ok({ status: 'joined', presence, waiting: presenceOf(await this.realtime.nsp().in(waitingChannel(roomId)).fetchSockets()) });
    }
    return ok({ status: 'joined', presence });
  }

  /** `room:leave {roomId}`: leaves the live room (or its waiting room). */
  @SubscribeMessage('room:leave')
  async leave(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<{ status: 'left' }>> {
    const { roomId } = await parsePayload(RoomRefPayload, body);
    const wasIn = socket.rooms.has(roomChannel(roomId));
    await socket.leave(waitingChannel(roomId));
    await socket.leave(roomChannel(roomId));
    if (wasIn) await this.announceLeft(socket.data.principal.userId, roomId);
    return ok({ status: 'left' });
  }

  /** `waiting:admit {roomId, userId}` (who may manage members): the user's waiting sockets enter the room. */
  @SubscribeMessage('waiting:admit')
  async admit(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<{ admitted: number }>> {
    const { roomId, userId } = await parsePayload(WaitingDecisionPayload, body);
    const waiting = await this.waitingSocketsOf(socket, roomId, userId);
    for (const s of waiting) {
      s.join(roomChannel(roomId));
      s.leave(waitingChannel(roomId));
    }
    this.realtime.emitToUser(userId, 'waiting:admitted', { roomId, userId });
    this.realtime.emitToRoom(roomId, 'presence:joined', { roomId, user: presenceOf(waiting)[0] });
    // The admitted sockets had no join ack with the list: they get it now.
    const users = await this.presence(roomId);
    for (const s of waiting) this.realtime.emitToSocket(s.id, 'presence', { roomId, users });
    return ok({ admitted: waiting.length });
  }

  /** `waiting:deny {roomId, userId}`: the user's waiting sockets leave the waiting room and get `waiting:denied`. */
  @SubscribeMessage('waiting:deny')
  async deny(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<{ denied: number }>> {
    const { roomId, userId } = await parsePayload(WaitingDecisionPayload, body);
    const waiting = await this.waitingSocketsOf(socket, roomId, userId);
    for (const s of waiting) s.leave(waitingChannel(roomId));
    this.realtime.emitToUser(userId, 'waiting:denied', { roomId, userId });
    return ok({ denied: waiting.length });
  }

  /**
   * `message:send {roomId, text, clientMessageId}`: stored by RoomMessagesService.post (the REST path),
   * acknowledged with the stored message. `message:new` goes out from the message.posted event, so a
   * resend (same clientMessageId: same message, nothing stored) broadcasts nothing.
   */
  @SubscribeMessage('message:send')
  @RateLimitEvent(10, 1000)
  async send(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<MessagePayload>> {
    const dto = await parsePayload(SendMessagePayload, body);
    this.requireJoined(socket, dto.roomId);
    await this.casbin(socket, 'create');
    const { message } = await this.messages.post(this.actor(socket), dto.roomId, { text: dto.text, clientMessageId: dto.clientMessageId });
    return ok(message);
  }

  /**
   * `transcript:append {roomId, text, startedAt?, endedAt?, speakerUserId?, language?}`: stored by
   * RoomTranscriptsService.append (the REST path: Casbin `rooms:create`, RoomAccess `post-transcript`),
   * acknowledged with the stored segment. `transcript:new` goes out from the transcript.appended event.
   */
  @SubscribeMessage('transcript:append')
  @RateLimitEvent(10, 1000)
  async appendTranscript(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<RoomTranscriptDto>> {
    const { roomId, ...segment } = await parsePayload(AppendTranscriptPayload, body);
    this.requireJoined(socket, roomId);
    await this.casbin(socket, 'create');
    return ok(await this.transcripts.append(this.actor(socket), roomId, segment));
  }

  /** `typing {roomId}`: not stored; the other sockets of the room get `typing {roomId, userId}`. One per 2 s per socket. */
  @SubscribeMessage('typing')
  @RateLimitEvent(1, 2000)
  async typing(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<Record<string, never>>> {
    const { roomId } = await parsePayload(RoomRefPayload, body);
    this.requireJoined(socket, roomId);
    // socket.to() leaves the sender out; it goes through the adapter like RealtimeService's emits.
    socket.to(roomChannel(roomId)).emit('typing', { roomId, userId: socket.data.principal.userId });
    return ok({});
  }

  // ---- helpers -------------------------------------------------------------------------------

  private actor(socket: RoomsSocket): RoomActor {
    const { tenantId, userId } = socket.data.principal;
    return { tenantId, userId };
  }

  /** The tenant-level policy, as the REST route of the same action checks it (Casbin `rooms:<action>`). */
  private async casbin(socket: RoomsSocket, action: 'read' | 'create' | 'update'): Promise<void> {
    if (!(await this.access.enforce(socket.data.principal, 'rooms', action))) throw AppException.forbidden(`You may not ${action} rooms.`);
  }

  private requireJoined(socket: RoomsSocket, roomId: string): void {
    if (!socket.rooms.has(roomChannel(roomId))) throw AppException.forbidden('Join the room first (room:join).', 'room-not-joined');
  }

  private async waitingSocketsOf(socket: RoomsSocket, roomId: string, userId: string) {
    await this.casbin(socket, 'update');
    await this.rooms.authorizeLive(this.actor(socket), roomId, 'manage-members');
    const waiting = (await this.realtime.nsp().in(waitingChannel(roomId)).fetchSockets()).filter((s) => s.data.principal.userId === userId);
    if (waiting.length === 0) throw AppException.notFound('Waiting user', 'not-waiting');
    return waiting;
  }

  private liveRoomsOf(socket: RoomsSocket): string[] {
    return [...socket.rooms].filter((r) => r.startsWith(ROOM_PREFIX)).map((r) => r.slice(ROOM_PREFIX.length));
  }

  /** Who is in the live room now, on every node (an empty list, logged, when a node does not answer). */
  private async presence(roomId: string): Promise<PresenceUser[]> {
    try {
      return presenceOf(await this.realtime.nsp().in(roomChannel(roomId)).fetchSockets());
    } catch (err) {
      this.logger.warn({ msg: 'presence lookup failed', roomId, err });
      return [];
    }
  }

  /** After one of the user's sockets left the room: `presence:left` unless another of its sockets (on any node) is still in. */
  private async announceLeft(userId: string, roomId: string): Promise<void> {
    try {
      const sockets = await this.realtime.nsp().in(userRoom(userId)).fetchSockets();
      if (sockets.some((s) => s.rooms.has(roomChannel(roomId)))) return;
      this.realtime.emitToRoom(roomId, 'presence:left', { roomId, userId });
    } catch (err) {
      this.logger.warn({ msg: 'presence update failed', roomId, err });
    }
  }

  /** A socket came back through connection state recovery: it is in the room again. */
  private async announceRecovered(socket: RoomsSocket, roomId: string): Promise<void> {
    const { userId } = socket.data.principal;
    this.realtime.emitToRoom(roomId, 'presence:joined', { roomId, user: { userId, displayName: socket.data.displayName ?? userId } }, { exceptSocket: socket.id });
    this.realtime.emitToSocket(socket.id, 'presence', { roomId, users: await this.presence(roomId) });
  }

  /**
   * Another node left the cluster (it shut down, or its process died and Redis dropped its
   * connections): its sockets never said goodbye, so every room with sockets here gets the whole list again.
   */
  private async resyncLocalRooms(): Promise<void> {
    const roomIds = new Set<string>();
    for (const socket of this.realtime.nsp().sockets.values()) for (const roomId of this.liveRoomsOf(socket)) roomIds.add(roomId);
    for (const roomId of roomIds) this.realtime.emitToRoom(roomId, 'presence', { roomId, users: await this.presence(roomId) });
  }
}
