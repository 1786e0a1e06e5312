import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MessageKind } from '../core/rooms.constants';

@Entity('room_messages')
export class RoomMessageEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') tenantId!: string;
  @Column('uuid') roomId!: string;
  /** Null for bot messages and for messages of a deleted user. */
  @Column('uuid', { nullable: true }) authorId!: string | null;
  @Column('text', { default: 'user' }) kind!: MessageKind;
  /** The name a bot message was posted under (null for user messages). */
  @Column('text', { nullable: true }) botName!: string | null;
  /** Empty once deleted. */
  @Column('text') text!: string;
  @Column('uuid', { nullable: true }) clientMessageId!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { nullable: true }) editedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) deletedAt!: Date | null;
}
