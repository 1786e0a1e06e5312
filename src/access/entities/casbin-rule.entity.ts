import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Casbin's policy table: `p` rules and `g` role assignments, the domain (tenant) in v1. */
@Entity('casbin_rule')
export class CasbinRuleEntity {
  @PrimaryGeneratedColumn() id!: number;
  @Column('varchar', { length: 8 }) ptype!: string;
  @Column('varchar', { length: 255, nullable: true }) v0!: string | null;
  @Column('varchar', { length: 255, nullable: true }) v1!: string | null;
  @Column('varchar', { length: 255, nullable: true }) v2!: string | null;
  @Column('varchar', { length: 255, nullable: true }) v3!: string | null;
  @Column('varchar', { length: 255, nullable: true }) v4!: string | null;
  @Column('varchar', { length: 255, nullable: true }) v5!: string | null;
}
