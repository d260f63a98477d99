import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The smooth weighted round-robin's current value of one operator for one source. */
@Entity({ name: 'round_robin_state' })
export class RoundRobinState {
  @PrimaryColumn({ name: 'source_id', type: 'integer' })
  sourceId: number;

  @PrimaryColumn({ name: 'operator_id', type: 'integer' })
  operatorId: number;

  @Column({ name: 'current_value', type: 'bigint' })
  currentValue: number;
}
