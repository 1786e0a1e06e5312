import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An external identity (OIDC issuer + subject) linked to a user. */
@Entity('user_identities')
export class UserIdentityEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') userId!: string;
  @Column('uuid') tenantId!: string;
  /** The issuer URL. */
  @Column('text') provider!: string;
  @Column('text') subject!: string;
  @Column('text', { nullable: true }) email!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { nullable: true }) lastLoginAt!: Date | null;
}
