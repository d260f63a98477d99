import { ApiProperty } from '@nestjs/swagger';
import {
  ASSIGNMENT_TRIGGERS,
  EVENT_ACTORS,
  REQUEST_EVENT_TYPES,
  type AssignmentTrigger,
  type EventActor,
  type RequestEventType,
} from '../../events/request-event';
import type { RequestEvent } from '../entities/request-event.entity';

export class RequestEventResponseDto {
  @ApiProperty({ example: 7, type: 'integer' })
  id: number;

  @ApiProperty({ example: 42, type: 'integer' })
  request_id: number;

  @ApiProperty({ enum: REQUEST_EVENT_TYPES, example: 'assigned' })
  type: RequestEventType;

  @ApiProperty({
    example: 2,
    type: 'integer',
    nullable: true,
    description: 'The operator after the change (null while waiting)',
  })
  operator_id: number | null;

  @ApiProperty({ example: null, type: 'integer', nullable: true })
  previous_operator_id: number | null;

  @ApiProperty({
    enum: ASSIGNMENT_TRIGGERS,
    example: 'drain',
    nullable: true,
    description: 'What made an assignment (or a wait) happen',
  })
  trigger: AssignmentTrigger | null;

  @ApiProperty({ enum: EVENT_ACTORS, example: 'system' })
  actor: EventActor;

  @ApiProperty({ example: '2026-01-27T10:35:12.000Z' })
  created_at: string;
}

export function toRequestEventResponse(event: RequestEvent): RequestEventResponseDto {
  return {
    id: Number(event.id),
    request_id: event.requestId,
    type: event.type,
    operator_id: event.operatorId,
    previous_operator_id: event.previousOperatorId,
    trigger: event.trigger,
    actor: event.actor,
    created_at: event.createdAt.toISOString(),
  };
}
