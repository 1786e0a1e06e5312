import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { RoomTranscriptDto } from './dto/room-extras.dto';
import type { RoomMessageDto } from './dto/room-message.dto';
import type { RoomRole } from './rooms.constants';

interface RoomRef {
  tenantId: string;
  roomId: string;
}

/** Domain events of rooms, emitted once after the change committed (for the gateway to fan out). */
export interface RoomEventMap {
  'room.updated': RoomRef;
  'room.deleted': RoomRef;
  'room.ownership-transferred': RoomRef & { fromUserId: string; toUserId: string };
  'member.added': RoomRef & { userId: string; role: RoomRole };
  'member.updated': RoomRef & { userId: string; role: RoomRole; previousRole: RoomRole };
  'member.removed': RoomRef & { userId: string; reason: 'removed' | 'left' };
  'message.posted': RoomRef & { message: RoomMessageDto };
  'message.edited': RoomRef & { message: RoomMessageDto };
  'message.deleted': RoomRef & { message: RoomMessageDto };
  'transcript.appended': RoomRef & { transcript: RoomTranscriptDto };
}
export type RoomEventName = keyof RoomEventMap;
export type RoomEventListener<K extends RoomEventName> = (payload: RoomEventMap[K]) => void | Promise<void>;

/**
 * In-process, typed event bus of the rooms module (Node's EventEmitter). Events are local to the node
 * that made the change; fanning them out to other nodes is the Socket.IO adapter's job. A failing
 * listener is logged and never reaches the request that caused the event.
 */
@Injectable()
export class RoomEvents {
  private readonly logger = new Logger(RoomEvents.name);
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    this.emitter.setMaxListeners(50);
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends RoomEventName>(event: K, listener: RoomEventListener<K>): () => void {
    const wrapped = (payload: RoomEventMap[K]) => {
      try {
        const result = listener(payload);
        if (result instanceof Promise) result.catch((err: unknown) => this.logger.error({ err, event }, 'room event listener failed'));
      } catch (err) {
        this.logger.error({ err, event }, 'room event listener failed');
      }
    };
    this.emitter.on(event, wrapped);
    return () => this.emitter.off(event, wrapped);
  }

  onMessagePosted(listener: RoomEventListener<'message.posted'>): () => void {
    return this.on('message.posted', listener);
  }

  onMemberRemoved(listener: RoomEventListener<'member.removed'>): () => void {
    return this.on('member.removed', listener);
  }

  emit<K extends RoomEventName>(event: K, payload: RoomEventMap[K]): void {
    this.emitter.emit(event, payload);
  }
}
