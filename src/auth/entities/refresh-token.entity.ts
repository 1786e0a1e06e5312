import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One refresh token; a family is one signed-in device (a chain of rotations). */
@Entity('refresh_tokens')
export class RefreshTokenEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') userId!: string;
  @Column('uuid') tenantId!: string;
  @Column('uuid') familyId!: string;
  /** SHA-256 of the opaque token; the token itself is never stored. */
  @Column('text') tokenHash!: string;
  @Column('text', { nullable: true }) deviceInfo!: string | null;
  @Column('text', { nullable: true }) ip!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz') expiresAt!: Date;
  @Column('timestamptz', { nullable: true }) usedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) revokedAt!: Date | null;
  @Column('text', { nullable: true }) revokedReason!: string | null;
}
