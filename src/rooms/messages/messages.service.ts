import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { Transactions } from '../../common/database/transactions';
import { AppException } from '../../common/errors/app.exception';
import { DomainEvents } from '../../common/events/domain-events';
import { RoomAccess, RoomActor } from '../core/room-access';
import { toRoomMessageDto } from './messages.mapper';
import { RoomMessagesRepository } from './messages.repository';
import { EditRoomMessageDto, PostBotMessageDto, PostRoomMessageDto, RoomMessageDto, RoomMessagePageDto, RoomMessageQueryDto } from './room-message.dto';
import { RoomMessageEntity } from './room-message.entity';

type NewMessage = Pick<RoomMessageEntity, 'tenantId' | 'roomId' | 'authorId' | 'kind' | 'botName' | 'text' | 'clientMessageId'>;

export interface PostedMessage {
  message: RoomMessageDto;
  /** false when the clientMessageId was seen before: nothing was stored. */
  created: boolean;
}

/**
 * Room messages, bot messages included. Posting is not audited (the message row records author
 * and time), except for bot messages; edits and deletions are, without the text. Each change is
 * published as a domain event (after commit), which the gateway fans out.
 */
@Injectable()
export class RoomMessagesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly messages: RoomMessagesRepository,
    private readonly access: RoomAccess,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
  ) {}

  async list(actor: RoomActor, roomId: string, query: RoomMessageQueryDto): Promise<RoomMessagePageDto> {
    if (query.before && query.after) throw AppException.invalidField('after', 'before and after cannot be combined', 'exclusive');
    const { room } = await this.access.require(actor, roomId, 'read');
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
    return this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'post-message');
      return this.store({ tenantId: actor.tenantId, roomId: room.id, authorId: actor.userId, kind: 'user', botName: null, text: dto.text, clientMessageId: dto.clientMessageId ?? null });
    });
  }

  /**
   * Stores a message without author, shown under `botName` (an integration, usually through an API
   * key of an account that moderates the room). A repeated clientMessageId returns the bot message
   * stored under it in this room. Audited, since the row does not say who posted it.
   */
  async postBot(actor: RoomActor, roomId: string, dto: PostBotMessageDto): Promise<PostedMessage> {
    return this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'post-bot-message');
      const posted = await this.store({
        tenantId: actor.tenantId, roomId: room.id, authorId: null, kind: 'bot', botName: dto.botName, text: dto.text, clientMessageId: dto.clientMessageId ?? null,
      });
      if (posted.created) {
        await this.audit.record({
          action: 'room.message.bot-post', resourceType: 'room-message', resourceId: posted.message.id, tenantId: actor.tenantId, actorId: actor.userId,
          newValue: { roomId: room.id, botName: dto.botName },
        });
      }
      return posted;
    });
  }

  async edit(actor: RoomActor, roomId: string, messageId: string, dto: EditRoomMessageDto): Promise<RoomMessageDto> {
    return this.transactions.run(async () => {
      const { room } = await this.access.require(actor, roomId, 'edit-own-message');
      const message = await this.messages.findMessage(actor.tenantId, room.id, messageId, true);
      if (!message) throw AppException.notFound('Message');
      if (message.authorId !== actor.userId) throw AppException.forbidden('Only the author can edit a message.', 'not-message-author');
      if (message.deletedAt) throw AppException.conflict('The message was deleted.', 'message-deleted');
      message.text = dto.text;
      message.editedAt = new Date();
      const saved = toRoomMessageDto(await this.messages.updateMessage(message));
      await this.audit.record({
        action: 'room.message.edit', resourceType: 'room-message', resourceId: message.id, tenantId: actor.tenantId, actorId: actor.userId,
        newValue: { roomId: room.id, editedAt: saved.editedAt },
      });
      this.events.emit('room.message.edited', { tenantId: actor.tenantId, roomId: room.id, message: saved });
      return saved;
    });
  }

  /** Soft delete: the text goes, the row stays (listed as deleted). Deleting a deleted message is a no-op. */
  async remove(actor: RoomActor, roomId: string, messageId: string): Promise<void> {
    await this.transactions.run(async () => {
      const { room, membership } = await this.access.require(actor, roomId, 'read');
      const message = await this.messages.findMessage(actor.tenantId, room.id, messageId, true);
      if (!message) throw AppException.notFound('Message');
      const own = message.authorId !== null && message.authorId === actor.userId;
      this.access.assert(membership, own ? 'delete-own-message' : 'delete-any-message');
      if (message.deletedAt) return;
      message.text = '';
      message.deletedAt = new Date();
      const saved = toRoomMessageDto(await this.messages.updateMessage(message));
      await this.audit.record({
        action: 'room.message.delete', resourceType: 'room-message', resourceId: message.id, tenantId: actor.tenantId, actorId: actor.userId,
        oldValue: { roomId: room.id, authorId: message.authorId, kind: message.kind }, newValue: { byModerator: !own },
      });
      this.events.emit('room.message.deleted', { tenantId: actor.tenantId, roomId: room.id, message: saved });
    });
  }

  /** Inserts the message unless its idempotency key was used; publishes `room.message.posted` when it is new. */
  private async store(values: NewMessage): Promise<PostedMessage> {
    const inserted = await this.messages.insertUnlessDuplicate(values);
    if (!inserted) {
      const existing = await this.messages.findByClientMessageId(values.tenantId, values.roomId, values.authorId, values.clientMessageId!);
      return { message: toRoomMessageDto(existing!), created: false };
    }
    const message = toRoomMessageDto(inserted);
    this.events.emit('room.message.posted', { tenantId: values.tenantId, roomId: values.roomId, message });
    return { message, created: true };
  }
}
