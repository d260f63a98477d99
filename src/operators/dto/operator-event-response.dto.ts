import { ApiProperty } from '@nestjs/swagger';
import type { OperatorEvent } from '../operator-events.repository';
import {
  OPERATOR_EVENT_ACTORS,
  OPERATOR_EVENT_TYPES,
  PRESENCES,
  type OperatorEventActor,
  type OperatorEventType,
  type Presence,
} from '../presence';

export class OperatorEventResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ type: 'integer', example: 3 })
  operator_id: number;

  @ApiProperty({ enum: OPERATOR_EVENT_TYPES, example: 'presence_changed' })
  type: OperatorEventType;

  @ApiProperty({ enum: PRESENCES, example: 'away', description: 'Its presence after the change' })
  presence: Presence;

  @ApiProperty({ type: String, nullable: true, example: 'lunch' })
  reason: string | null;

  @ApiProperty({ enum: OPERATOR_EVENT_ACTORS, example: 'admin' })
  actor: OperatorEventActor;

  @ApiProperty({ example: '2026-01-27T12:00:00.000Z' })
  created_at: string;
}

export function toOperatorEventResponse(event: OperatorEvent): OperatorEventResponseDto {
  return {
    id: event.id,
    operator_id: event.operatorId,
    type: event.type,
    presence: event.presence,
    reason: event.reason,
    actor: event.actor,
    created_at: event.createdAt.toISOString(),
  };
}
