import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { SealedColumn } from '../../common/crypto/sealed-column';

@Entity('tenants')
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') slug!: string;
  @Column('boolean', { default: false }) isDefault!: boolean;
  @Column('timestamptz', { nullable: true }) disabledAt!: Date | null;
  @Column('text', { nullable: true }) oidcIssuer!: string | null;
  @Column('text', { nullable: true }) oidcClientId!: string | null;
  /** AES-GCM sealed (SecretBox); never returned. */
  @SealedColumn({ nullable: true }) oidcClientSecretEnc!: string | null;
  @Column('text', { nullable: true }) oidcTenantId!: string | null;
  @Column('jsonb', { default: {} }) settings!: Record<string, unknown>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
