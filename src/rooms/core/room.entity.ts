import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { SealedColumn } from '../../common/crypto/sealed-column';
import type { RoomType } from './rooms.constants';

@Entity('rooms')
export class RoomEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') tenantId!: string;
  @Column('uuid') ownerId!: string;
  @Column('text') name!: string;
  @Column('text') type!: RoomType;
  /** 9 characters of JOIN_CODE_ALPHABET, unique across the installation. */
  @Column('text') joinCode!: string;
  /** Argon2id of the room password; null: no password. Never returned. */
  @Column('text', { nullable: true }) passwordHash!: string | null;
  @Column('boolean', { default: false }) waitingRoom!: boolean;
  @Column('boolean', { default: false }) e2eEncrypted!: boolean;
  /** Access token of the viz container (dashboard rooms), sealed with SecretBox. */
  @SealedColumn({ nullable: true }) vizTokenEnc!: string | null;
  @Column('text', { nullable: true }) vizHost!: string | null;
  @Column('integer', { nullable: true }) vizCmdPort!: number | null;
  @Column('integer', { nullable: true }) vizPort!: number | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
