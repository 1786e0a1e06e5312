import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity('user_settings')
export class UserSettingsEntity {
  @PrimaryColumn('uuid') userId!: string;
  @Column('uuid', { nullable: true }) defaultModelId!: string | null;
  @Column('jsonb', { default: {} }) preferences!: Record<string, unknown>;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
