import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AuditActorType = 'user' | 'api-key' | 'system' | 'anonymous';

@Entity('audit_logs')
export class AuditLogEntity {
  /** bigint identity: kept as a string to stay exact. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column('uuid', { nullable: true })
  tenantId!: string | null;

  @Column('uuid', { nullable: true })
  actorId!: string | null;

  @Column('text')
  actorType!: AuditActorType;

  @Column('text')
  action!: string;

  @Column('text')
  resourceType!: string;

  @Column('text', { nullable: true })
  resourceId!: string | null;

  @Column('jsonb', { nullable: true })
  oldValue!: object | null;

  @Column('jsonb', { nullable: true })
  newValue!: object | null;

  @Column('text', { nullable: true })
  ip!: string | null;

  @Column('text', { nullable: true })
  userAgent!: string | null;

  @Column('text', { nullable: true })
  requestId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
