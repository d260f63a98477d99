import { ApiProperty } from '@nestjs/swagger';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../events/request-event';
import type { WebhookSubscription } from '../entities/webhook-subscription.entity';
import { eventTypes } from '../webhook-events';

/** A subscription as lists and GET show it: never with its secret. */
export class WebhookResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ example: 'https://crm.example.com/hooks' })
  url: string;

  @ApiProperty({ example: ['request.assigned'], enum: WEBHOOK_EVENT_TYPES, isArray: true })
  events: WebhookEventType[];

  @ApiProperty({
    type: 'integer',
    example: 1,
    nullable: true,
    description: 'Only this source’s events; null: every source',
  })
  source_id: number | null;

  @ApiProperty({ example: 'Helpdesk sync', nullable: true, type: String })
  description: string | null;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z' })
  created_at: string;
}

export class CreatedWebhookDto extends WebhookResponseDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw6kV8BpZqzJU=',
    description:
      'Signs every delivery (Standard Webhooks); shown in this response only, never again',
  })
  secret: string;
}

export function toWebhookResponse(subscription: WebhookSubscription): WebhookResponseDto {
  return {
    id: subscription.id,
    url: subscription.url,
    events: eventTypes(subscription.eventMask),
    source_id: subscription.sourceId,
    description: subscription.description,
    is_active: subscription.isActive,
    created_at: subscription.createdAt.toISOString(),
  };
}
