import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { skillsColumn } from '../../distribution/skills';
import type { Schedule } from '../../shifts/schedule';
import { scheduleColumn } from '../../shifts/schedule-column';
import type { Presence } from '../presence';

@Entity({ name: 'operators' })
export class Operator {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 200 })
  name: string;

  @Column({ name: 'is_active' })
  isActive: boolean;

  @Column({ name: 'max_load', type: 'integer' })
  maxLoad: number;

  /** Count of this operator's active requests, maintained in the transactions that change it. */
  @Column({ name: 'current_load', type: 'integer' })
  currentLoad: number;

  /** Count of its pending offers: each holds a unit of room, as an active request does. */
  @Column({ name: 'offered_load', type: 'integer', default: 0 })
  offeredLoad: number;

  /** Offers it let expire in a row (MISSED_OFFERS_BEFORE_AWAY); an accept resets it. */
  @Column({ name: 'missed_offers', type: 'integer', default: 0 })
  missedOffers: number;

  /** What this operator can handle (`de`, `billing`), sorted. */
  @Column(skillsColumn)
  skills: string[];

  /** The person's own state; only `available` gets new work. */
  @Column({ type: 'varchar', length: 16, default: 'available' })
  presence: Presence;

  @Column({ name: 'presence_reason', type: 'varchar', length: 200, nullable: true })
  presenceReason: string | null;

  @Column({ name: 'presence_since' })
  presenceSince: Date;

  /** Working hours; null: always on shift. */
  @Column(scheduleColumn)
  schedule: Schedule | null;

  /** When on_shift next flips (null: never); the shift pass looks here. */
  @Column({ name: 'next_shift_change_at', type: Date, nullable: true })
  nextShiftChangeAt: Date | null;

  @Column({ name: 'created_at' })
  createdAt: Date;
}
