import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AssignableRoomRole } from '../rooms.constants';

/** bigint columns come back from pg as strings: read them as numbers (offsets stay far below 2^53). */
const bigintAsNumber = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

@Entity('room_transcripts')
export class RoomTranscriptEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') tenantId!: string;
  @Column('uuid') roomId!: string;
  /** Who sent the segment (a member, or the user behind an API key of a recognition service). */
  @Column('uuid', { nullable: true }) authorId!: string | null;
  /** Who spoke, when known (a member of the room). */
  @Column('uuid', { nullable: true }) speakerUserId!: string | null;
  @Column('text') content!: string;
  @Column('text', { nullable: true }) language!: string | null;
  /** Milliseconds from the start of the call. */
  @Column('bigint', { nullable: true, transformer: bigintAsNumber }) startedAtMs!: number | null;
  @Column('bigint', { nullable: true, transformer: bigintAsNumber }) endedAtMs!: number | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}

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

@Entity('room_sip_configs')
export class RoomSipConfigEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') tenantId!: string;
  @Column('uuid') roomId!: string;
  /** The dial-in number id, unique across the installation. */
  @Column('text') sipId!: string;
  /** The PIN, sealed with SecretBox (moderators see it). */
  @Column('text') passwordEnc!: string;
  @Column('boolean', { default: false }) enableLobby!: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}

@Entity('room_streaming_targets')
export class RoomStreamingTargetEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') tenantId!: string;
  @Column('uuid') roomId!: string;
  @Column('text', { default: 'custom' }) kind!: string;
  @Column('text') name!: string;
  @Column('text') streamingEndpoint!: string;
  /** Sealed with SecretBox; never returned in full. */
  @Column('text') streamKeyEnc!: string;
  @Column('text', { nullable: true }) publicUrl!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}

@Entity('dashboard_panels')
export class DashboardPanelEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') tenantId!: string;
  @Column('uuid') roomId!: string;
  @Column('text') name!: string;
  @Column('jsonb', { default: {} }) layout!: { x: number; y: number; w: number; h: number };
  @Column('jsonb', { default: {} }) config!: Record<string, unknown>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}

@Entity('module_resources')
export class ModuleResourceEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') tenantId!: string;
  @Column('uuid') roomId!: string;
  @Column('uuid', { nullable: true }) createdBy!: string | null;
  @Column('text') namespace!: string;
  @Column('text', { nullable: true }) tag!: string | null;
  @Column('jsonb', { default: {} }) data!: Record<string, unknown>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
