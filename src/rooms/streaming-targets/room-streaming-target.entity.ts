import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { SealedColumn } from '../../common/crypto/sealed-column';

@Entity('room_streaming_targets')
export class RoomStreamingTargetEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') tenantId!: string;
  @Column('uuid') roomId!: string;
  @Column('text', { default: 'custom' }) kind!: string;
  @Column('text') name!: string;
  @Column('text') streamingEndpoint!: string;
  /** Sealed with SecretBox; never returned in full. */
  @SealedColumn() streamKeyEnc!: string;
  @Column('text', { nullable: true }) publicUrl!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
