import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

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
