import { Column, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The columns of every API key table (source_api_keys, operator_api_keys): only the key's SHA-256
 * is stored, never the key. Each kind's entity adds its table name and its owner's column.
 */
export abstract class ApiKey {
  @PrimaryGeneratedColumn()
  id: number;

  /** Whose key it is: the source's or the operator's id, in that kind's own column. */
  abstract ownerId: number;

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
}
