import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Tx, transaction } from '../common/database/transaction';
import { AppException } from '../common/errors/app.exception';
import { EditRoomMessageDto, PostBotMessageDto, PostRoomMessageDto, RoomMessageDto, RoomMessagePageDto, RoomMessageQueryDto } from './dto/room-message.dto';
import { RoomMessageEntity } from './entities/room-message.entity';
import { RoomAccess, RoomActor } from './room-access';
import { RoomEvents } from './room-events';
import { RoomMessagesRepository } from './room-messages.repository';
import { toRoomMessageDto } from './rooms.mapper';

type NewMessage = Pick<RoomMessageEntity, 'tenantId' | 'roomId' | 'authorId' | 'kind' | 'botName' | 'text' | 'clientMessageId'>;

export interface PostedMessage {
  message: RoomMessageDto;
  /** false when the clientMessageId was seen before: nothing was stored. */
  created: boolean;
}

/**
 * Room messages. Posting is not audited (the message row records author and time), except for bot
 * messages; edits and deletions are, without the text. Events go out after commit for the gateway.
 */
@Injectable()
export class RoomMessagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messages: RoomMessagesRepository,
    private readonly access: RoomAccess,
    private readonly events: RoomEvents,
    private readonly audit: AuditService,
  ) {}

  async list(actor: RoomActor, roomId: string, query: RoomMessageQueryDto): Promise<RoomMessagePageDto> {
    if (query.before && query.after) throw AppException.invalidField('after', 'before and after cannot be combined', 'exclusive');
    const { room } = await this.access.require(this.dataSource.manager, actor, roomId, 'read');
    for (const field of ['before', 'after'] as const) {
      const anchor = query[field];
      if (anchor && !(await this.messages.exists(actor.tenantId, room.id, anchor))) {
        throw AppException.invalidField(field, `${field} is not a message of this room`, 'unknownMessage');
      }
    }
    const rows = await this.messages.findPage(actor.tenantId, room.id, query);
    const hasMore = rows.length > query.limit;
    const items = (hasMore ? rows.slice(0, query.limit) : rows).map(toRoomMessageDto);
    return { items, nextCursor: hasMore ? items[items.length - 1].id : null };
  }

  /** Stores a message of the actor; a repeated clientMessageId returns the stored one (created: false). */
  async post(actor: RoomActor, roomId: string, dto: PostRoomMessageDto): Promise<PostedMessage> {
    return transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'post-message');
      return this.store(tx, { tenantId: actor.tenantId, roomId: room.id, authorId: actor.userId, kind: 'user', botName: null, text: dto.text, clientMessageId: dto.clientMessageId ?? null });
    });
  }

  /**
   * Stores a message without author, shown under `botName` (an integration, usually through an API
   * key of an account that moderates the room). A repeated clientMessageId returns the bot message
   * stored under it in this room. Audited, since the row does not say who posted it.
   */
  async postBot(actor: RoomActor, roomId: string, dto: PostBotMessageDto): Promise<PostedMessage> {
    return transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'post-bot-message');
      const posted = await this.store(tx, {
        tenantId: actor.tenantId, roomId: room.id, authorId: null, kind: 'bot', botName: dto.botName, text: dto.text, clientMessageId: dto.clientMessageId ?? null,
      });
      if (posted.created) {
        await this.audit.record(tx.manager, {
          action: 'room.message.bot-post', resourceType: 'room-message', resourceId: posted.message.id, tenantId: actor.tenantId, actorId: actor.userId,
          newValue: { roomId: room.id, botName: dto.botName },
        });
      }
      return posted;
    });
  }

  async edit(actor: RoomActor, roomId: string, messageId: string, dto: EditRoomMessageDto): Promise<RoomMessageDto> {
    return transaction(this.dataSource, async (tx) => {
      const { room } = await this.access.require(tx.manager, actor, roomId, 'edit-own-message');
      const message = await this.messages.findMessage(tx.manager, actor.tenantId, room.id, messageId, true);
      if (!message) throw AppException.notFound('Message');
      if (message.authorId !== actor.userId) throw AppException.forbidden('Only the author can edit a message.', 'not-message-author');
      if (message.deletedAt) throw AppException.conflict('The message was deleted.', 'message-deleted');
      message.text = dto.text;
      message.editedAt = new Date();
      const saved = toRoomMessageDto(await this.messages.save(tx.manager, message));
      await this.audit.record(tx.manager, {
        action: 'room.message.edit', resourceType: 'room-message', resourceId: message.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { roomId: room.id, editedAt: saved.editedAt },
      });
      tx.afterCommit(() => this.events.emit('message.edited', { tenantId: actor.tenantId, roomId: room.id, message: saved }));
      return saved;
    });
  }

  /** Soft delete: the text goes, the row stays (listed as deleted). Deleting a deleted message is a no-op. */
  async remove(actor: RoomActor, roomId: string, messageId: string): Promise<void> {
    await transaction(this.dataSource, async (tx) => {
      const { room, membership } = await this.access.require(tx.manager, actor, roomId, 'read');
      const message = await this.messages.findMessage(tx.manager, actor.tenantId, room.id, messageId, true);
      if (!message) throw AppException.notFound('Message');
      const own = message.authorId !== null && message.authorId === actor.userId;
      this.access.assert(membership, own ? 'delete-own-message' : 'delete-any-message');
      if (message.deletedAt) return;
      message.text = '';
      message.deletedAt = new Date();
      const saved = toRoomMessageDto(await this.messages.save(tx.manager, message));
      await this.audit.record(tx.manager, {
        action: 'room.message.delete', resourceType: 'room-message', resourceId: message.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: { roomId: room.id, authorId: message.authorId, kind: message.kind }, newValue: { byModerator: !own },
      });
      tx.afterCommit(() => this.events.emit('message.deleted', { tenantId: actor.tenantId, roomId: room.id, message: saved }));
    });
  }

  /** Inserts the message unless its idempotency key was used; emits `message.posted` after commit when it is new. */
  private async store(tx: Tx, values: NewMessage): Promise<PostedMessage> {
    const inserted = await this.messages.insertUnlessDuplicate(tx.manager, values);
    if (!inserted) {
      const existing = await this.messages.findByClientMessageId(tx.manager, values.tenantId, values.roomId, values.authorId, values.clientMessageId!);
      return { message: toRoomMessageDto(existing!), created: false };
    }
    const message = toRoomMessageDto(inserted);
    tx.afterCommit(() => this.events.emit('message.posted', { tenantId: values.tenantId, roomId: values.roomId, message }));
    return { message, created: true };
  }
}
