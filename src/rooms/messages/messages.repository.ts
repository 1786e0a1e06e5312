import { Injectable } from '@nestjs/common';
import { IsNull, Repository } from 'typeorm';
import { insertUnlessTaken } from '../../common/database/insert-unless-taken';
import { Transactions } from '../../common/database/transactions';
import { updateTenantRow } from '../core/room-rows';
import { RoomMessageEntity } from './room-message.entity';

export interface MessagePageQuery {
  limit: number;
  /** Messages older than this one of the room, newest first. */
  before?: string;
  /** Messages newer than this one of the room, oldest first. */
  after?: string;
}

/** `room_messages`, every query scoped to one tenant, in the caller's transaction when one is open. */
@Injectable()
export class RoomMessagesRepository {
  constructor(private readonly transactions: Transactions) {}

  private get messages(): Repository<RoomMessageEntity> {
    return this.transactions.repository(RoomMessageEntity);
  }

  /** With `lock`, the row is locked FOR UPDATE until the transaction ends. */
  findMessage(tenantId: string, roomId: string, id: string, lock = false): Promise<RoomMessageEntity | null> {
    return this.messages.findOne({ where: { tenantId, roomId, id }, ...(lock && { lock: { mode: 'pessimistic_write' as const } }) });
  }

  exists(tenantId: string, roomId: string, id: string): Promise<boolean> {
    return this.messages.existsBy({ tenantId, roomId, id });
  }

  /** The message stored under an idempotency key: the author's, or (authorId null) a bot's in the room. */
  findByClientMessageId(tenantId: string, roomId: string, authorId: string | null, clientMessageId: string): Promise<RoomMessageEntity | null> {
    const author = authorId === null ? { authorId: IsNull(), kind: 'bot' as const } : { authorId };
    return this.messages.findOneBy({ tenantId, roomId, clientMessageId, ...author });
  }

  /** Inserts a message; null when its author (or, for a bot message, the room) already has one with the same clientMessageId. */
  insertUnlessDuplicate(values: Partial<RoomMessageEntity> & { tenantId: string }): Promise<RoomMessageEntity | null> {
    return insertUnlessTaken(this.transactions, RoomMessageEntity, values, { ignoreConflicts: Boolean(values.clientMessageId) });
  }

  /** Writes back a message read (and locked) in its tenant (tenant and id in the WHERE); answers it as stored. */
  updateMessage(message: RoomMessageEntity): Promise<RoomMessageEntity> {
    return updateTenantRow(this.messages, message);
  }

  /**
   * A page of a room's messages by (created_at, id), fetching `limit + 1` rows. The anchor of
   * `before`/`after` is compared at full precision through a sub-select.
   */
  findPage(tenantId: string, roomId: string, query: MessagePageQuery): Promise<RoomMessageEntity[]> {
    const qb = this.messages.createQueryBuilder('m').where('m.tenant_id = :tenantId AND m.room_id = :roomId', { tenantId, roomId });
    const anchor = `(SELECT a.created_at, a.id FROM room_messages a WHERE a.tenant_id = :tenantId AND a.room_id = :roomId AND a.id = :anchor)`;
    const ascending = query.after !== undefined;
    if (query.before) qb.andWhere(`(m.created_at, m.id) < ${anchor}`, { anchor: query.before });
    if (query.after) qb.andWhere(`(m.created_at, m.id) > ${anchor}`, { anchor: query.after });
    const order = ascending ? 'ASC' : 'DESC';
    return qb.orderBy('m.created_at', order).addOrderBy('m.id', order).limit(query.limit + 1).getMany();
  }
}
