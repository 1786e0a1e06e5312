import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

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
