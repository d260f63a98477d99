import { Column, Entity, JoinColumn, ManyToOne } from 'typeorm';
import { Source } from '../../sources/entities/source.entity';
import { ApiKey } from './api-key.entity';

/** An intake key of one source. */
@Entity({ name: 'source_api_keys' })
export class SourceApiKey extends ApiKey {
  @Column({ name: 'source_id', type: 'integer' })
  ownerId: number;

  @ManyToOne(() => Source, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'source_id' })
  source?: Source;
}
