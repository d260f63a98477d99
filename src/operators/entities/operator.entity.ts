import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { skillsColumn } from '../../distribution/skills';

@Entity({ name: 'operators' })
export class Operator {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 200 })
  name: string;

  @Column({ name: 'is_active' })
  isActive: boolean;

  @Column({ name: 'max_load', type: 'integer' })
  maxLoad: number;

  /** Count of this operator's active requests, maintained in the transactions that change it. */
  @Column({ name: 'current_load', type: 'integer' })
  currentLoad: number;

  /** What this operator can handle (`de`, `billing`), sorted. */
  @Column(skillsColumn)
  skills: string[];

  @Column({ name: 'created_at' })
  createdAt: Date;
}
