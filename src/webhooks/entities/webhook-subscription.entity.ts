import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Where and what to announce: a URL, the event types (as a bit mask), optionally one source. */
@Entity({ name: 'webhook_subscriptions' })
export class WebhookSubscription {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** Bit i set: WEBHOOK_EVENT_TYPES[i] is sent. */
  @Column({ name: 'event_mask', type: 'integer' })
  eventMask: number;

  @Column({ name: 'source_id', type: 'integer', nullable: true })
  sourceId: number | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description: string | null;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  /** `whsec_…`: signs every delivery; returned by POST /webhooks only. */
  @Column({ type: 'varchar', length: 64 })
  secret: string;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}
