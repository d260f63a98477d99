import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { WebhookEventType } from '../../events/request-event';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event to one subscription: the outbox row the dispatcher sends until it is delivered. */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDelivery {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'subscription_id', type: 'integer' })
  subscriptionId: number;

  /** request_events.id: the body is built from that row when it is sent. Null: see `body`. */
  @Column({ name: 'request_event_id', type: 'integer', nullable: true })
  requestEventId: number | null;

  /** The body of an event that is not a request event (operator.presence_changed), as sent. */
  @Column({ type: 'text', nullable: true })
  body: string | null;

  /** `evt_…`: the webhook-id header, the same on every attempt. */
  @Column({ name: 'event_id', type: 'varchar', length: 40 })
  eventId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 32 })
  eventType: WebhookEventType;

  @Column({ type: 'varchar', length: 16 })
  status: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** When it is due; while a dispatcher holds it, when that claim runs out. */
  @Column({ name: 'next_attempt_at' })
  nextAttemptAt: Date;

  @Column({ name: 'lock_token', type: 'varchar', length: 40, nullable: true })
  lockToken: string | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @Column({ name: 'delivered_at', type: Date, nullable: true })
  deliveredAt: Date | null;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}
