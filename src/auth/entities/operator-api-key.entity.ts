import { Column, Entity, JoinColumn, ManyToOne } from 'typeorm';
import { Operator } from '../../operators/entities/operator.entity';
import { ApiKey } from './api-key.entity';

/** A person's own key (an operator's). */
@Entity({ name: 'operator_api_keys' })
export class OperatorApiKey extends ApiKey {
  @Column({ name: 'operator_id', type: 'integer' })
  ownerId: number;

  @ManyToOne(() => Operator, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'operator_id' })
  operator?: Operator;
}
