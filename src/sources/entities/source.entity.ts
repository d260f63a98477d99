import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'sources' })
export class Source {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 200, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description: string | null;

  @Column({ name: 'created_at' })
  createdAt: Date;
}
