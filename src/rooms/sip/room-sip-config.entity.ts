import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { SealedColumn } from '../../common/crypto/sealed-column';

@Entity('room_sip_configs')
export class RoomSipConfigEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') tenantId!: string;
  @Column('uuid') roomId!: string;
  /** The dial-in number id, unique across the installation. */
  @Column('text') sipId!: string;
  /** The PIN, sealed with SecretBox (moderators see it). */
  @SealedColumn() passwordEnc!: string;
  @Column('boolean', { default: false }) enableLobby!: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
