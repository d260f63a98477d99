import { applyDecorators } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
} from '@nestjs/swagger';
import {
  ApiConflict,
  ApiInvalid,
  ApiNotFound,
  ApiPaginatedList,
  ApiTooLarge,
  invalidId,
  validationExample,
} from '../common/api-docs';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { DeliveryResponseDto, ListDeliveriesQueryDto, RetryAcceptedDto } from './dto/delivery.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import { CreatedWebhookDto, WebhookResponseDto } from './dto/webhook-response.dto';

// Each route's OpenAPI description in one decorator; its 400 examples come from its own DTO.

const idParam = () => ApiParam({ name: 'id', description: 'The webhook id', example: 1 });
const webhookNotFound = () => ApiNotFound('webhook 42 not found', 'No webhook has this id');

export const ApiCreateWebhook = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Subscribe a URL to request and operator events',
      description:
        'Admin only. `events` defaults to all: every type, including types added in later ' +
        'releases (a given list stays that list). `source_id` keeps one source’s events: its ' +
        'requests’ events, and `operator.presence_changed` of the operators configured for that ' +
        'source (a row in its weights, any weight); without `source_id`, every operator’s. ' +
        'Bodies: `{"id", "type", "created_at", "data"}`, `data` being `{"request", ' +
        '"previous_operator_id", "trigger"}` for `request.*` and `{"operator", ' +
        '"previous_presence", "actor"}` for `operator.presence_changed` (the operator as GET ' +
        '/operators/{id} shows it right after the change). The response carries the signing ' +
        'secret, shown this once. The URL must be http(s) and, unless ' +
        'WEBHOOK_ALLOW_PRIVATE_TARGETS=true, reach a public address (400 otherwise).',
    }),
    ApiCreatedResponse({ type: CreatedWebhookDto, description: 'The webhook, with its secret' }),
    ApiInvalid({
      missingUrl: validationExample(CreateWebhookDto, {}),
      badEvents: validationExample(CreateWebhookDto, {
        url: 'https://crm.example.com/hooks',
        events: ['request.deleted'],
      }),
      privateTarget: ['url targets a loopback address'],
    }),
    ApiNotFound('source 42 not found', 'No source has this `source_id`'),
    ApiTooLarge(),
  );

export const ApiListWebhooks = () =>
  applyDecorators(
    ApiOperation({
      summary: 'List webhooks, by id',
      description: 'Never with their secrets.',
    }),
    ApiPaginatedList(WebhookResponseDto, 'Webhooks'),
  );

export const ApiGetWebhook = () =>
  applyDecorators(
    ApiOperation({ summary: 'Get a webhook', description: 'Without its secret.' }),
    idParam(),
    ApiOkResponse({ type: WebhookResponseDto, description: 'The webhook' }),
    ApiInvalid({ badId: invalidId() }),
    webhookNotFound(),
  );

export const ApiUpdateWebhook = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Change a webhook',
      description:
        'Any subset of url, events, source_id (null: every source), description, is_active. ' +
        'While is_active is false no deliveries are written for it, and queued ones wait.',
    }),
    idParam(),
    ApiOkResponse({ type: WebhookResponseDto, description: 'The updated webhook' }),
    ApiInvalid({
      badValue: validationExample(UpdateWebhookDto, { is_active: 'yes' }),
      badId: invalidId(),
    }),
    ApiNotFound('webhook 42 not found', 'No webhook has this id, or no source `source_id`'),
    ApiTooLarge(),
  );

export const ApiDeleteWebhook = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Delete a webhook',
      description: 'With its deliveries: queued ones are not sent.',
    }),
    idParam(),
    ApiNoContentResponse({ description: 'Deleted' }),
    ApiInvalid({ badId: invalidId() }),
    webhookNotFound(),
  );

export const ApiListDeliveries = () =>
  applyDecorators(
    ApiOperation({
      summary: 'The webhook’s deliveries, by id',
      description:
        'One per event sent to this webhook: `pending` (due or retrying), `delivered` or `dead`. ' +
        'Delivered and dead ones are kept WEBHOOK_RETENTION_DAYS.',
    }),
    idParam(),
    ApiPaginatedList(DeliveryResponseDto, 'Deliveries, oldest first', {
      dto: ListDeliveriesQueryDto,
      sample: { status: 'lost' },
    }),
    webhookNotFound(),
  );

export const ApiRetryDelivery = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Send a dead or pending delivery again now',
      description:
        'A dead delivery becomes pending with its attempts counted afresh; a pending one is due ' +
        'at once. The dispatcher sends it within moments.',
    }),
    idParam(),
    ApiParam({ name: 'delivery_id', description: 'The delivery id', example: 42 }),
    ApiAcceptedResponse({ type: RetryAcceptedDto, description: 'Queued to be sent now' }),
    ApiInvalid({ badId: invalidId('delivery_id') }),
    ApiNotFound('delivery 42 of webhook 1 not found', 'No such delivery of this webhook'),
    ApiConflict(
      'The delivery was delivered already',
      'delivery 42 was delivered already',
      'ALREADY_DELIVERED',
    ),
  );
