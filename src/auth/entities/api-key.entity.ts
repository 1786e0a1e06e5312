import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ApiKeyScope } from '../../common/auth/principal';

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') userId!: string;
  @Column('uuid') tenantId!: string;
  @Column('text') name!: string;
  /** The visible start of the key (`ck_AbCd1234`), to recognise it in lists. */
  @Column('text') prefix!: string;
  @Column('text') keyHash!: string;
  @Column('text') scope!: ApiKeyScope;
  @Column('timestamptz', { nullable: true }) expiresAt!: Date | null;
  @Column('timestamptz', { nullable: true }) lastUsedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) revokedAt!: Date | null;
  /** Why it was revoked: by its user, or with every credential of the user (logout-all, a password change or reset). */
  @Column('text', { nullable: true }) revokedReason!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
