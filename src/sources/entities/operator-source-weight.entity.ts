import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Operator } from '../../operators/entities/operator.entity';
import { Source } from './source.entity';

@Entity({ name: 'operator_source_weights' })
@Unique(['sourceId', 'operatorId'])
export class OperatorSourceWeight {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'source_id', type: 'integer' })
  sourceId: number;

  @Column({ name: 'operator_id', type: 'integer' })
  operatorId: number;

  @Column({ type: 'integer' })
  weight: number;

  @ManyToOne(() => Source, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'source_id' })
  source?: Source;

  @ManyToOne(() => Operator, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'operator_id' })
  operator?: Operator;
}
