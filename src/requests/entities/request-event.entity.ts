import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AssignmentTrigger, EventActor, RequestEventType } from '../../events/request-event';

/** One state change of a request; written only by RequestLifecycleService, in the change's transaction. */
@Entity({ name: 'request_events' })
export class RequestEvent {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'event_id', type: 'varchar', length: 40 })
  eventId: string;

  @Column({ name: 'request_id', type: 'integer' })
  requestId: number;

  @Column({ name: 'source_id', type: 'integer' })
  sourceId: number;

  @Column({ type: 'varchar', length: 16 })
  type: RequestEventType;

  @Column({ name: 'operator_id', type: 'integer', nullable: true })
  operatorId: number | null;

  @Column({ name: 'previous_operator_id', type: 'integer', nullable: true })
  previousOperatorId: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  trigger: AssignmentTrigger | null;

  @Column({ type: 'varchar', length: 16 })
  actor: EventActor;

  /** The request right after the change, as JSON. */
  @Column({ type: 'text' })
  request: string;

  @Column({ name: 'created_at' })
  createdAt: Date;
}
