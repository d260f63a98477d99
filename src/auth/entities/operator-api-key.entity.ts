import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Operator } from '../../operators/entities/operator.entity';

/** A person's own key (an operator's): only its SHA-256 is stored, never the key. */
@Entity({ name: 'operator_api_keys' })
export class OperatorApiKey {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'operator_id', type: 'integer' })
  operatorId: number;

  /** hex SHA-256 of the key; unique and indexed: the per-request lookup. */
  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  /** The first characters of the key, to tell keys apart in lists. */
  @Column({ name: 'key_prefix', type: 'varchar', length: 16 })
  keyPrefix: string;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: Date, nullable: true })
  revokedAt: Date | null;

  @ManyToOne(() => Operator, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'operator_id' })
  operator?: Operator;
}
