import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'sources' })
export class Source {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 200, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description: string | null;

  /** A registered strategy name; null uses the DISTRIBUTION_STRATEGY default. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  strategy: string | null;

  /** A returning lead goes back to its last operator on this source when that one is eligible. */
  @Column({ type: 'boolean', default: false })
  sticky: boolean;

  @Column({ name: 'created_at' })
  createdAt: Date;
}
