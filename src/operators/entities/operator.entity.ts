import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

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

  @Column({ name: 'created_at' })
  createdAt: Date;
}
