import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Lead } from '../../leads/entities/lead.entity';
import { Operator } from '../../operators/entities/operator.entity';
import { Source } from '../../sources/entities/source.entity';
import { skillsColumn } from '../../distribution/skills';

export const REQUEST_STATUSES = ['active', 'closed'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** A customer's contact through a source; `requests` in the database. */
@Entity({ name: 'requests' })
export class LeadRequest {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'lead_id', type: 'integer' })
  leadId: number;

  @Column({ name: 'source_id', type: 'integer' })
  sourceId: number;

  @Column({ name: 'operator_id', type: 'integer', nullable: true })
  operatorId: number | null;

  @Column({ type: 'varchar', length: 16 })
  status: RequestStatus;

  @Column({ type: 'text', nullable: true })
  message: string | null;

  /** The assignment's Decision as JSON text; null for requests made before it was recorded. */
  @Column({ type: 'text', nullable: true })
  decision: string | null;

  @Column({ name: 'created_at' })
  createdAt: Date;

  /** When it got its current operator; null while waiting. */
  @Column({ name: 'assigned_at', type: Date, nullable: true })
  assignedAt: Date | null;

  @Column({ name: 'updated_at', type: Date, nullable: true })
  updatedAt: Date | null;

  /** The source's required skills and the request's own, sorted. */
  @Column(skillsColumn)
  skills: string[];

  @Column({ type: 'integer', default: 0 })
  priority: number;

  /** The pending offer (offer sources): its id, operator and expiry; null otherwise. */
  @Column({ name: 'pending_offer_id', type: 'integer', nullable: true })
  pendingOfferId: number | null;

  @Column({ name: 'pending_offer_operator_id', type: 'integer', nullable: true })
  pendingOfferOperatorId: number | null;

  @Column({ name: 'pending_offer_expires_at', type: Date, nullable: true })
  pendingOfferExpiresAt: Date | null;

  /** Waited past its source's fallback: any of the source's operators may take it. */
  @Column({ name: 'skills_relaxed', type: 'boolean', default: false })
  skillsRelaxed: boolean;

  /**
   * Facts for service levels and the staffing plan, kept by the statement of the change (as its
   * `assigned` and `closed` events and its offers' outcomes say): the first assignment and the
   * first close, never moved by a later one; and how many of its offers were accepted, declined
   * and let expire.
   */
  @Column({ name: 'first_assigned_at', type: Date, nullable: true })
  firstAssignedAt: Date | null;

  @Column({ name: 'first_closed_at', type: Date, nullable: true })
  firstClosedAt: Date | null;

  @Column({ name: 'offers_accepted', type: 'integer', default: 0 })
  offersAccepted: number;

  @Column({ name: 'offers_declined', type: 'integer', default: 0 })
  offersDeclined: number;

  @Column({ name: 'offers_expired', type: 'integer', default: 0 })
  offersExpired: number;

  @ManyToOne(() => Lead)
  @JoinColumn({ name: 'lead_id' })
  lead?: Lead;

  @ManyToOne(() => Source)
  @JoinColumn({ name: 'source_id' })
  source?: Source;

  @ManyToOne(() => Operator)
  @JoinColumn({ name: 'operator_id' })
  operator?: Operator | null;
}
