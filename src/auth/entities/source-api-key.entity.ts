import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Source } from '../../sources/entities/source.entity';

/** An intake key of one source: only its SHA-256 is stored, never the key. */
@Entity({ name: 'source_api_keys' })
export class SourceApiKey {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'source_id', type: 'integer' })
  sourceId: number;

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

  @ManyToOne(() => Source, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'source_id' })
  source?: Source;
}
