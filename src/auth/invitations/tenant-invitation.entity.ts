import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An e-mail address invited into a tenant with a tenant role (`tenant_invitations`). */
@Entity('tenant_invitations')
export class TenantInvitationEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') tenantId!: string;
  @Column('text') email!: string;
  /** A role name of the tenant, without `role:`. */
  @Column('text') role!: string;
  /** SHA-256 of the token mailed to the address. */
  @Column('text') tokenHash!: string;
  @Column('uuid', { nullable: true }) invitedBy!: string | null;
  @Column('timestamptz') expiresAt!: Date;
  @Column('int', { default: 1 }) sentCount!: number;
  @Column('timestamptz') lastSentAt!: Date;
  @Column('timestamptz', { nullable: true }) acceptedAt!: Date | null;
  @Column('uuid', { nullable: true }) acceptedBy!: string | null;
  @Column('timestamptz', { nullable: true }) revokedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
