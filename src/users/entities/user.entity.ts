import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { PlatformRole } from '../../common/auth/principal';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') tenantId!: string;
  @Column('text') email!: string;
  @Column('text') username!: string;
  @Column('text', { nullable: true }) displayName!: string | null;
  @Column('text', { nullable: true }) firstName!: string | null;
  @Column('text', { nullable: true }) lastName!: string | null;
  /** Argon2id; null for users who only sign in through OIDC. */
  @Column('text', { nullable: true }) passwordHash!: string | null;
  @Column('text', { default: 'user' }) role!: PlatformRole;
  @Column('boolean', { default: true }) isActive!: boolean;
  @Column('boolean', { default: false }) isBlocked!: boolean;
  @Column('text', { nullable: true }) blockedReason!: string | null;
  @Column('timestamptz', { nullable: true }) disabledSince!: Date | null;
  @Column('int', { default: 0 }) failedLoginAttempts!: number;
  @Column('int', { default: 0 }) lockoutCount!: number;
  @Column('timestamptz', { nullable: true }) lockedUntil!: Date | null;
  @Column('boolean', { default: false }) emailVerified!: boolean;
  @Column('timestamptz', { nullable: true }) emailVerifiedAt!: Date | null;
  @Column('int', { default: 0 }) tokenVersion!: number;
  @Column('timestamptz', { nullable: true }) lastLoginAt!: Date | null;
  @Column('timestamptz', { nullable: true }) lastSeenAt!: Date | null;
  @Column('text', { nullable: true }) avatarUrl!: string | null;
  @Column('text', { nullable: true }) language!: string | null;
  @Column('text', { nullable: true }) conferenceTheme!: string | null;
  @Column('text', { nullable: true }) dashboardTheme!: string | null;
  @Column('text', { nullable: true }) phone!: string | null;
  @Column('text', { nullable: true }) title!: string | null;
  @Column('text', { nullable: true }) country!: string | null;
  @Column('text', { nullable: true }) profession!: string | null;
  @Column('uuid', { nullable: true }) tariffId!: string | null;
  @Column('text', { nullable: true }) tariffStatus!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
