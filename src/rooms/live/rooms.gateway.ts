import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { AuthenticatedEvent, AuthorizeEvent } from '../../common/auth/auth.decorators';
import { AppException } from '../../common/errors/app.exception';
import { DomainEventPayload, OnDomainEvent } from '../../common/events/domain-events';
import { ok, parsePayload } from '../../realtime/ack';
import type { LiveNamespace } from '../../realtime/live-namespace';
import { LiveGateway } from '../../realtime/live-gateway';
import { RateLimitEvent } from '../../realtime/rate-limit';
import { tenantRoom, userRoom } from '../../realtime/realtime.constants';
import { RealtimeService } from '../../realtime/realtime.service';
import type { RecoveredChannels } from '../../realtime/recovery-guard';
import type { Ack } from '../../realtime/socket.types';
import type { RulesChanged } from '../../access/access.events';
import type { RoomActor } from '../core/room-access';
import type { RoomRef } from '../rooms.events';
import { RoomMessagesService } from '../messages/messages.service';
import type { RoomMessageDto } from '../messages/room-message.dto';
import type { RoomTranscriptDto } from '../transcripts/room-transcript.dto';
import { RoomTranscriptsService } from '../transcripts/transcripts.service';
import { presenceOf } from './presence';
import { AppendTranscriptPayload, JoinRoomPayload, RoomRefPayload, SendMessagePayload, WaitingDecisionPayload } from './rooms-live.dto';
import { JOIN_ACCESS, RoomsLiveService } from './rooms-live.service';
import {
  PresenceUser, ROOMS_NAMESPACE, RoomJoinData, RoomLeaveData, RoomLeftReason, RoomsServerEvents, RoomsSocket, RoomsSocketData, TypingData, WaitingAdmitData,
  WaitingDenyData, roomChannel, waitingChannel,
} from './rooms-live.types';

/** The prefix of the channels of live rooms (`room:<id>`). */
const ROOM_PREFIX = roomChannel('');
const WAITING_PREFIX = waitingChannel('');

/** The live room of a channel of this namespace (`room:<id>` or `waiting:<id>`), or undefined. */
function roomOf(channel: string): string | undefined {
  for (const prefix of [ROOM_PREFIX, WAITING_PREFIX]) if (channel.startsWith(prefix)) return channel.slice(prefix.length);
  return undefined;
}

/**
 * The live rooms protocol (docs/rooms.md, "Socket.IO protocol") on `/rooms`. The transport
 * authenticates the handshake; each event declares its Casbin requirement (checked by the global
 * guard before the handler runs) and calls the service REST calls, which checks the room role
 * through RoomAccess. Room state lives in channels (`room:<id>`, `waiting:<id>`), so fetchSockets
 * sees it on every node. `message:*`, `transcript:new` and `member:removed` come only from the
 * rooms' domain events, for REST and socket changes alike. Being in a live room is checked again
 * whenever it may have stopped being allowed: a socket back through connection state recovery gets
 * only the rooms it may still be in (RealtimeService.guardRecovery), and removals, policy, role and
 * group changes take sockets out (`room:left`), on every node.
 */
@WebSocketGateway({ namespace: ROOMS_NAMESPACE })
export class RoomsGateway extends LiveGateway implements OnModuleInit, OnModuleDestroy, OnGatewayConnection<RoomsSocket> {
  private readonly logger = new Logger(RoomsGateway.name);
  private namespace?: LiveNamespace<RoomsServerEvents, RoomsSocketData>;
  private stopNodeWatch?: () => void;
  /** Why a recovered socket did not get a room back, until it is told (recovered.refused). */
  private readonly refusedOnRecovery = new WeakMap<RoomsSocket, Map<string, RoomLeftReason>>();

  constructor(
    private readonly realtime: RealtimeService,
    private readonly live: RoomsLiveService,
    private readonly messages: RoomMessagesService,
    private readonly transcripts: RoomTranscriptsService,
  ) {
    super();
  }

  /** The namespace, once Nest has created it (after app init): asked for at first use. */
  private get rooms(): LiveNamespace<RoomsServerEvents, RoomsSocketData> {
    this.namespace ??= this.realtime.namespace<RoomsServerEvents, RoomsSocketData>(ROOMS_NAMESPACE);
    return this.namespace;
  }

  onModuleInit(): void {
    this.stopNodeWatch = this.realtime.onNodeDown(() => this.resyncLocalRooms());
    this.realtime.guardRecovery(ROOMS_NAMESPACE, this.recovered);
  }

  /** What a socket back through connection state recovery gets back: the rooms it may still be in. */
  private readonly recovered: RecoveredChannels = {
    authorize: async (socket, channels) => {
      const live = socket as RoomsSocket;
      const reasons = new Map<string, RoomLeftReason | null>();
      for (const roomId of new Set(channels.map(roomOf))) {
        if (roomId !== undefined) reasons.set(roomId, await this.live.revoked(live.data.principal, roomId));
      }
      const refused = new Map([...reasons].filter((entry): entry is [string, RoomLeftReason] => entry[1] !== null));
      if (refused.size > 0) this.refusedOnRecovery.set(live, refused);
      return channels.filter((channel) => {
        const roomId = roomOf(channel);
        return roomId !== undefined && reasons.get(roomId) === null;
      });
    },
    refused: (socket) => {
      const live = socket as RoomsSocket;
      const refused = this.refusedOnRecovery.get(live);
      this.refusedOnRecovery.delete(live);
      for (const [roomId, reason] of refused ?? []) live.emit('room:left', { roomId, reason });
    },
  };

  onModuleDestroy(): void {
    this.stopNodeWatch?.();
  }

  // ---- domain events -> sockets ----------------------------------------------------------------

  @OnDomainEvent('room.message.posted')
  messagePosted({ roomId, message }: DomainEventPayload<'room.message.posted'>): void {
    this.rooms.emit(roomChannel(roomId), 'message:new', message);
  }

  @OnDomainEvent('room.message.edited')
  messageEdited({ roomId, message }: DomainEventPayload<'room.message.edited'>): void {
    this.rooms.emit(roomChannel(roomId), 'message:edited', message);
  }

  @OnDomainEvent('room.message.deleted')
  messageDeleted({ roomId, message }: DomainEventPayload<'room.message.deleted'>): void {
    this.rooms.emit(roomChannel(roomId), 'message:deleted', message);
  }

  @OnDomainEvent('room.transcript.appended')
  transcriptAppended({ roomId, transcript }: DomainEventPayload<'room.transcript.appended'>): void {
    // The whole RoomTranscriptDto (as REST returns it) plus `userId`, its author.
    this.rooms.emit(roomChannel(roomId), 'transcript:new', { ...transcript, userId: transcript.authorId ?? '' });
  }

  @OnDomainEvent('room.member.removed')
  memberRemoved({ roomId, userId }: DomainEventPayload<'room.member.removed'>): void {
    this.evictUser(userId, [roomId], 'removed');
    this.rooms.emitToUser(userId, 'member:removed', { roomId, userId });
  }

  /** A room role changed: checked again (every room role reads today, so this keeps a future one honest). */
  @OnDomainEvent('room.member.updated')
  async memberUpdated({ tenantId, roomId, userId }: DomainEventPayload<'room.member.updated'>): Promise<void> {
    const reason = await this.live.revokedMembership({ tenantId, userId }, roomId);
    if (reason) this.evictUser(userId, [roomId], reason);
  }

  /**
   * The tenant's policies, roles or groups changed: every user with sockets in live rooms (on any
   * node) is checked against the new rules, and those no longer allowed `rooms:read` are taken out.
   */
  @OnDomainEvent('access.rules-changed')
  async rulesChanged({ tenantId }: RulesChanged): Promise<void> {
    const byUser = new Map<string, { principal: RoomsSocket['data']['principal']; roomIds: Set<string> }>();
    for (const socket of await this.rooms.sockets(tenantRoom(tenantId))) {
      const roomIds = [...socket.rooms].map(roomOf).filter((id): id is string => id !== undefined);
      if (roomIds.length === 0) continue;
      const { principal } = socket.data;
      const user = byUser.get(principal.userId) ?? { principal, roomIds: new Set<string>() };
      for (const id of roomIds) user.roomIds.add(id);
      byUser.set(principal.userId, user);
    }
    for (const { principal, roomIds } of byUser.values()) {
      // Casbin decides per user, so every socket of the user goes.
      if (!(await this.live.mayBeInRooms(principal))) this.evictUser(principal.userId, [...roomIds], 'access-revoked');
    }
  }

  @OnDomainEvent('room.deleted')
  roomDeleted({ roomId }: RoomRef): void {
    const channels = [roomChannel(roomId), waitingChannel(roomId)];
    this.rooms.emit(roomChannel(roomId), 'room:left', { roomId, reason: 'room-deleted' });
    this.rooms.emit(waitingChannel(roomId), 'room:left', { roomId, reason: 'room-deleted' });
    for (const channel of channels) this.rooms.leave(channel, channels);
  }

  // ---- connections -------------------------------------------------------------------------------

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

  // ---- client events -----------------------------------------------------------------------------

  /**
   * `room:join {roomId, password?}` -> `{status: 'joined', presence}` or `{status: 'waiting'}`. The
   * joiner gets the whole list in the ack; the room gets `presence:joined` when the user was not there.
   */
  @SubscribeMessage('room:join')
  @AuthorizeEvent(...JOIN_ACCESS)
  @RateLimitEvent(5, 10_000)
  async join(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<RoomJoinData>> {
    const { roomId, password } = await parsePayload(JoinRoomPayload, body);
    const live = await this.live.authorizeJoin(this.actor(socket), roomId, password);
    socket.data.displayName = live.displayName;
    if (socket.rooms.has(roomChannel(roomId))) return ok({ status: 'joined', presence: await this.presence(roomId) });
    if (live.mustWait) {
      await socket.join(waitingChannel(roomId));
      const inRoom = await this.rooms.sockets(roomChannel(roomId));
      const moderators = await this.live.moderators(socket.data.principal.tenantId, roomId, inRoom.map((s) => s.data.principal.userId));
      const request = { roomId, userId: socket.data.principal.userId, displayName: live.displayName, requestedAt: new Date().toISOString() };
      for (const moderatorId of moderators) this.rooms.emitToUser(moderatorId, 'waiting:request', request);
      return ok({ status: 'waiting' });
    }
    const before = await this.presence(roomId);
    await socket.join(roomChannel(roomId));
    const me: PresenceUser = { userId: socket.data.principal.userId, displayName: live.displayName };
    const wasThere = before.some((u) => u.userId === me.userId);
    if (!wasThere) this.rooms.emit(roomChannel(roomId), 'presence:joined', { roomId, user: me }, { except: socket.id });
    const presence = wasThere ? before : [...before, me];
    if (live.role === 'OWNER' || live.role === 'MODERATOR') {
      return ok({ status: 'joined', presence, waiting: presenceOf(await this.rooms.sockets(waitingChannel(roomId))) });
    }
    return ok({ status: 'joined', presence });
  }

  /**
   * `room:leave {roomId}`: leaves the live room (or its waiting room). Only authentication: leaving
   * only takes access away, and refusing it (a policy that no longer grants `rooms:read`, say) would
   * keep the socket in a room it may no longer read.
   */
  @SubscribeMessage('room:leave')
  @AuthenticatedEvent()
  async leave(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<RoomLeaveData>> {
    const { roomId } = await parsePayload(RoomRefPayload, body);
    const wasIn = socket.rooms.has(roomChannel(roomId));
    await socket.leave(waitingChannel(roomId));
    await socket.leave(roomChannel(roomId));
    if (wasIn) await this.announceLeft(socket.data.principal.userId, roomId);
    return ok({ status: 'left' });
  }

  /** `waiting:admit {roomId, userId}` (who may manage members): the user's waiting sockets enter the room. */
  @SubscribeMessage('waiting:admit')
  @AuthorizeEvent('rooms', 'update')
  async admit(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<WaitingAdmitData>> {
    const { roomId, userId } = await parsePayload(WaitingDecisionPayload, body);
    const waiting = await this.waitingSocketsOf(socket, roomId, userId);
    for (const s of waiting) {
      s.join(roomChannel(roomId));
      s.leave(waitingChannel(roomId));
    }
    this.rooms.emitToUser(userId, 'waiting:admitted', { roomId, userId });
    this.rooms.emit(roomChannel(roomId), 'presence:joined', { roomId, user: presenceOf(waiting)[0] });
    // The admitted sockets had no join ack with the list: they get it now.
    const users = await this.presence(roomId);
    for (const s of waiting) this.rooms.emitToSocket(s.id, 'presence', { roomId, users });
    return ok({ admitted: waiting.length });
  }

  /** `waiting:deny {roomId, userId}`: the user's waiting sockets leave the waiting room and get `waiting:denied`. */
  @SubscribeMessage('waiting:deny')
  @AuthorizeEvent('rooms', 'update')
  async deny(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<WaitingDenyData>> {
    const { roomId, userId } = await parsePayload(WaitingDecisionPayload, body);
    const waiting = await this.waitingSocketsOf(socket, roomId, userId);
    for (const s of waiting) s.leave(waitingChannel(roomId));
    this.rooms.emitToUser(userId, 'waiting:denied', { roomId, userId });
    return ok({ denied: waiting.length });
  }

  /**
   * `message:send {roomId, text, clientMessageId}`: stored by RoomMessagesService.post (the REST path),
   * acknowledged with the stored message. `message:new` goes out from the `room.message.posted`
   * event, so a resend (same clientMessageId: same message, nothing stored) broadcasts nothing.
   */
  @SubscribeMessage('message:send')
  @AuthorizeEvent('rooms', 'create')
  @RateLimitEvent(10, 1000)
  async send(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<RoomMessageDto>> {
    const { roomId, text, clientMessageId } = await parsePayload(SendMessagePayload, body);
    this.requireJoined(socket, roomId);
    const { message } = await this.messages.post(this.actor(socket), roomId, { text, clientMessageId });
    return ok(message);
  }

  /**
   * `transcript:append {roomId, text, startedAt?, endedAt?, speakerUserId?, language?}`: stored by
   * RoomTranscriptsService.append (the REST path: RoomAccess `post-transcript`), acknowledged with
   * the stored segment. `transcript:new` goes out from the `room.transcript.appended` event.
   */
  @SubscribeMessage('transcript:append')
  @AuthorizeEvent('rooms', 'create')
  @RateLimitEvent(10, 1000)
  async appendTranscript(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<RoomTranscriptDto>> {
    const { roomId, ...segment } = await parsePayload(AppendTranscriptPayload, body);
    this.requireJoined(socket, roomId);
    return ok(await this.transcripts.append(this.actor(socket), roomId, segment));
  }

  /**
   * `typing {roomId}`: not stored; the other sockets of the room get `typing {roomId, userId}`. One
   * per 2 s per socket. It announces a message being written, so it needs what posting one needs
   * from the tenant's policies (`rooms:create`).
   */
  @SubscribeMessage('typing')
  @AuthorizeEvent('rooms', 'create')
  @RateLimitEvent(1, 2000)
  async typing(@ConnectedSocket() socket: RoomsSocket, @MessageBody() body: unknown): Promise<Ack<TypingData>> {
    const { roomId } = await parsePayload(RoomRefPayload, body);
    this.requireJoined(socket, roomId);
    // Still a member: typing is relayed without a service that would check it.
    await this.live.authorize(this.actor(socket), roomId, 'read');
    this.rooms.emit(roomChannel(roomId), 'typing', { roomId, userId: socket.data.principal.userId }, { except: socket.id });
    return ok({});
  }

  // ---- helpers -------------------------------------------------------------------------------------

  /**
   * Takes every socket of the user, on every node, out of the live rooms and their waiting rooms;
   * each gets `room:left` with the reason, and each room `presence:left`.
   */
  private evictUser(userId: string, roomIds: readonly string[], reason: RoomLeftReason): void {
    this.rooms.leave(userRoom(userId), roomIds.flatMap((id) => [roomChannel(id), waitingChannel(id)]));
    for (const roomId of roomIds) {
      this.rooms.emitToUser(userId, 'room:left', { roomId, reason });
      // Every socket of the user is out of the room now: no need to look for others.
      this.rooms.emit(roomChannel(roomId), 'presence:left', { roomId, userId });
    }
  }

  private actor(socket: RoomsSocket): RoomActor {
    const { tenantId, userId } = socket.data.principal;
    return { tenantId, userId };
  }

  private requireJoined(socket: RoomsSocket, roomId: string): void {
    if (!socket.rooms.has(roomChannel(roomId))) throw AppException.forbidden('Join the room first (room:join).', 'room-not-joined');
  }

  private async waitingSocketsOf(socket: RoomsSocket, roomId: string, userId: string) {
    await this.live.authorize(this.actor(socket), roomId, 'manage-members');
    const waiting = (await this.rooms.sockets(waitingChannel(roomId))).filter((s) => s.data.principal.userId === userId);
    if (waiting.length === 0) throw AppException.notFound('Waiting user', 'not-waiting');
    return waiting;
  }

  private liveRoomsOf(socket: RoomsSocket): string[] {
    return [...socket.rooms].filter((r) => r.startsWith(ROOM_PREFIX)).map((r) => r.slice(ROOM_PREFIX.length));
  }

  /** Who is in the live room now, on every node (an empty list, logged, when a node does not answer). */
  private async presence(roomId: string): Promise<PresenceUser[]> {
    try {
      return presenceOf(await this.rooms.sockets(roomChannel(roomId)));
    } catch (err) {
      this.logger.warn({ msg: 'presence lookup failed', roomId, err });
      return [];
    }
  }

  /** After one of the user's sockets left the room: `presence:left` unless another of its sockets (on any node) is still in. */
  private async announceLeft(userId: string, roomId: string): Promise<void> {
    try {
      const sockets = await this.rooms.sockets(userRoom(userId));
      if (sockets.some((s) => s.rooms.has(roomChannel(roomId)))) return;
      this.rooms.emit(roomChannel(roomId), 'presence:left', { roomId, userId });
    } catch (err) {
      this.logger.warn({ msg: 'presence update failed', roomId, err });
    }
  }

  /** A socket came back through connection state recovery: it is in the room again. */
  private async announceRecovered(socket: RoomsSocket, roomId: string): Promise<void> {
    const { userId } = socket.data.principal;
    this.rooms.emit(roomChannel(roomId), 'presence:joined', { roomId, user: { userId, displayName: socket.data.displayName ?? userId } }, { except: socket.id });
    this.rooms.emitToSocket(socket.id, 'presence', { roomId, users: await this.presence(roomId) });
  }

  /**
   * Another node left the cluster (it shut down, or its process died and Redis dropped its
   * connections): its sockets never said goodbye, so every room with sockets here gets the whole list again.
   */
  private async resyncLocalRooms(): Promise<void> {
    const roomIds = new Set<string>();
    for (const socket of this.rooms.nsp.sockets.values()) for (const roomId of this.liveRoomsOf(socket)) roomIds.add(roomId);
    for (const roomId of roomIds) this.rooms.emit(roomChannel(roomId), 'presence', { roomId, users: await this.presence(roomId) });
  }
}
