import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { RoomMessageEntity } from './entities/room-message.entity';
import { insertRowUnlessTaken } from './room-rows';

export interface MessagePageQuery {
  limit: number;
  /** Messages older than this one of the room, newest first. */
  before?: string;
  /** Messages newer than this one of the room, oldest first. */
  after?: string;
}

@Injectable()
export class RoomMessagesRepository {
  constructor(@InjectRepository(RoomMessageEntity) private readonly messages: Repository<RoomMessageEntity>) {}

  findMessage(manager: EntityManager, tenantId: string, roomId: string, id: string, lock = false): Promise<RoomMessageEntity | null> {
    return manager.findOne(RoomMessageEntity, { where: { tenantId, roomId, id }, ...(lock && { lock: { mode: 'pessimistic_write' as const } }) });
  }

  exists(tenantId: string, roomId: string, id: string): Promise<boolean> {
    return this.messages.existsBy({ tenantId, roomId, id });
  }

  /** The message stored under an idempotency key: the author's, or (authorId null) a bot's in the room. */
  findByClientMessageId(manager: EntityManager, tenantId: string, roomId: string, authorId: string | null, clientMessageId: string): Promise<RoomMessageEntity | null> {
    const author = authorId === null ? { authorId: IsNull(), kind: 'bot' as const } : { authorId };
    return manager.findOneBy(RoomMessageEntity, { tenantId, roomId, clientMessageId, ...author });
  }

  /** Inserts a message; null when its author (or, for a bot message, the room) already has one with the same clientMessageId. */
  insertUnlessDuplicate(manager: EntityManager, values: Partial<RoomMessageEntity> & { tenantId: string }): Promise<RoomMessageEntity | null> {
    return insertRowUnlessTaken(manager, RoomMessageEntity, values, Boolean(values.clientMessageId));
  }

  save(manager: EntityManager, message: RoomMessageEntity): Promise<RoomMessageEntity> {
    return manager.save(message);
  }

  /**
   * A page of a room's messages by (created_at, id), fetching `limit + 1` rows. The anchor of
   * `before`/`after` is compared at full precision through a sub-select.
   */
  findPage(tenantId: string, roomId: string, query: MessagePageQuery): Promise<RoomMessageEntity[]> {
    const qb = this.messages.createQueryBuilder('m').where('m.tenant_id = :tenantId AND m.room_id = :roomId', { tenantId, roomId });
    const anchor = `(SELECT a.created_at, a.id FROM room_messages a WHERE a.id = :anchor AND a.room_id = :roomId)`;
    const ascending = query.after !== undefined;
    if (query.before) qb.andWhere(`(m.created_at, m.id) < ${anchor}`, { anchor: query.before });
    if (query.after) qb.andWhere(`(m.created_at, m.id) > ${anchor}`, { anchor: query.after });
    const order = ascending ? 'ASC' : 'DESC';
    return qb.orderBy('m.created_at', order).addOrderBy('m.id', order).limit(query.limit + 1).getMany();
  }
}
