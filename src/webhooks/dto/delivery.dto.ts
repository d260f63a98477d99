import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.dto';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../events/request-event';
import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  type WebhookDelivery,
} from '../entities/webhook-delivery.entity';

export class ListDeliveriesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, example: 'dead' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, {
    message: `status must be one of: ${DELIVERY_STATUSES.join(', ')}`,
  })
  status?: DeliveryStatus;
}

export class DeliveryResponseDto {
  @ApiProperty({ type: 'integer', example: 42 })
  id: number;

  @ApiProperty({ example: 'evt_01JJ4Q3Z8K9X2M5N7P0R6S1T3V', description: 'The webhook-id header' })
  event_id: string;

  @ApiProperty({ example: 'request.assigned', enum: WEBHOOK_EVENT_TYPES })
  event_type: WebhookEventType;

  @ApiProperty({ example: 'pending', enum: DELIVERY_STATUSES })
  status: DeliveryStatus;

  @ApiProperty({
    type: 'integer',
    example: 2,
    description: 'Attempts made so far, the first included',
  })
  attempts: number;

  @ApiProperty({
    type: 'integer',
    example: 503,
    nullable: true,
    description: 'The receiver’s last HTTP status; null when there was no response',
  })
  last_status_code: number | null;

  @ApiProperty({ example: 'HTTP 503: busy', nullable: true, type: String })
  last_error: string | null;

  @ApiProperty({
    example: '2026-01-27T10:30:02.000Z',
    description: 'When it is (or was last) due',
  })
  next_attempt_at: string;

  @ApiProperty({ example: null, nullable: true, type: String })
  delivered_at: string | null;

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z' })
  created_at: string;
}

export class RetryAcceptedDto {
  @ApiProperty({ type: 'integer', example: 42 })
  id: number;

  @ApiProperty({ example: 'pending', enum: DELIVERY_STATUSES })
  status: DeliveryStatus;
}

export function toDeliveryResponse(delivery: WebhookDelivery): DeliveryResponseDto {
  return {
    id: Number(delivery.id),
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    last_status_code: delivery.lastStatusCode,
    last_error: delivery.lastError,
    next_attempt_at: delivery.nextAttemptAt.toISOString(),
    delivered_at: delivery.deliveredAt ? delivery.deliveredAt.toISOString() : null,
    created_at: delivery.createdAt.toISOString(),
  };
}
