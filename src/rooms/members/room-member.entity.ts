import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RoomRole } from '../core/rooms.constants';

@Entity('room_members')
export class RoomMemberEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') tenantId!: string;
  @Column('uuid') roomId!: string;
  @Column('uuid') userId!: string;
  @Column('text') role!: RoomRole;
  @CreateDateColumn({ type: 'timestamptz' }) joinedAt!: Date;
}
