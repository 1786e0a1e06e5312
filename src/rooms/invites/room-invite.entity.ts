import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AssignableRoomRole } from '../core/rooms.constants';

@Entity('room_invites')
export class RoomInviteEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') tenantId!: string;
  @Column('uuid') roomId!: string;
  @Column('text') code!: string;
  @Column('text', { default: 'MEMBER' }) role!: AssignableRoomRole;
  @Column('boolean', { default: true }) active!: boolean;
  @Column('timestamptz', { nullable: true }) expiresAt!: Date | null;
  @Column('integer', { nullable: true }) maxUses!: number | null;
  @Column('integer', { default: 0 }) uses!: number;
  @Column('uuid', { nullable: true }) createdBy!: string | null;
  @Column('uuid', { nullable: true }) updatedBy!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
