import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { skillsColumn } from '../../distribution/skills';
import type { SourceAssignment } from '../source-rules';

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

  /** Skills every request of this source needs, sorted. */
  @Column({ ...skillsColumn, name: 'required_skills' })
  requiredSkills: string[];

  /** After this long waiting, a request needs no skill any more; null: never. */
  @Column({ name: 'skill_fallback_seconds', type: 'integer', nullable: true })
  skillFallbackSeconds: number | null;

  /** A request's priority when it gives none (0..100, higher first). */
  @Column({ name: 'default_priority', type: 'integer', default: 0 })
  defaultPriority: number;

  /** Priority a waiting request gains per minute, up to 100. */
  @Column({ name: 'priority_aging_per_minute', type: 'integer', default: 0 })
  priorityAgingPerMinute: number;

  /** `offer`: operators accept each request (offers); `direct`: they are given it. */
  @Column({ type: 'varchar', length: 16, default: 'direct' })
  assignment: SourceAssignment;

  @Column({ name: 'offer_timeout_seconds', type: 'integer', default: 60 })
  offerTimeoutSeconds: number;

  @Column({ name: 'created_at' })
  createdAt: Date;
}
