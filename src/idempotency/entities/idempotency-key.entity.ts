import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One Idempotency-Key of one caller. `statusCode` is null while the first request is in flight;
 * the request's own transaction fills it with the response it committed.
 */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKey {
  @PrimaryGeneratedColumn()
  id: number;

  /** The caller: the API key's id, or `anonymous` when authentication is off. */
  @Column({ type: 'varchar', length: 100 })
  scope: string;

  @Column({ type: 'varchar', length: 255 })
  key: string;

  /** hex SHA-256 of the canonical JSON body. */
  @Column({ name: 'body_hash', type: 'varchar', length: 64 })
  bodyHash: string;

  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ type: 'text', nullable: true })
  response: string | null;

  @Column({ name: 'created_at' })
  createdAt: Date;
}
