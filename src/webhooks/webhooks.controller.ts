import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, ApiPaginatedList } from '../common/api-docs';
import { PaginationQueryDto } from '../common/pagination.dto';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { DeliveryResponseDto, ListDeliveriesQueryDto, RetryAcceptedDto } from './dto/delivery.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import { CreatedWebhookDto, WebhookResponseDto } from './dto/webhook-response.dto';
import { WebhooksService } from './webhooks.service';

const IdParam = () => ApiParam({ name: 'id', description: 'The webhook id', example: 1 });

const CreateDocs = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Subscribe a URL to request events',
      description:
        'Admin only. The response carries the signing secret, shown this once. The URL must be ' +
        'http(s) and, unless WEBHOOK_ALLOW_PRIVATE_TARGETS=true, reach a public address.',
    }),
    ApiCreatedResponse({ type: CreatedWebhookDto }),
    ApiErrors('badRequest', 'notFound', 'payloadTooLarge'),
  );

const GetDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'Get a webhook (without its secret)' }),
    IdParam(),
    ApiOkResponse({ type: WebhookResponseDto }),
    ApiErrors('badRequest', 'notFound'),
  );

const UpdateDocs = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Change a webhook',
      description:
        'Any subset of url, events, source_id (null: every source), description, is_active. ' +
        'Events already queued keep going to the subscription; is_active=false holds them.',
    }),
    IdParam(),
    ApiOkResponse({ type: WebhookResponseDto }),
    ApiErrors('badRequest', 'notFound', 'payloadTooLarge'),
  );

const DeleteDocs = () =>
  applyDecorators(
    ApiOperation({ summary: 'Delete a webhook and its deliveries (queued ones are not sent)' }),
    IdParam(),
    ApiNoContentResponse({ description: 'Deleted' }),
    ApiErrors('badRequest', 'notFound'),
  );

const DeliveriesDocs = () =>
  applyDecorators(
    ApiOperation({
      summary: 'The webhook’s deliveries, by id',
      description: 'Delivered and dead rows are kept for WEBHOOK_RETENTION_DAYS.',
    }),
    IdParam(),
    ApiPaginatedList(DeliveryResponseDto, 'Deliveries, oldest first'),
    ApiErrors('notFound'),
  );

const RetryDocs = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Send a dead or pending delivery again now',
      description:
        'A dead delivery becomes pending with its attempts counted afresh; a pending one is due ' +
        'at once. The dispatcher sends it within moments (202).',
    }),
    IdParam(),
    ApiParam({ name: 'delivery_id', description: 'The delivery id', example: 42 }),
    ApiAcceptedResponse({ type: RetryAcceptedDto }),
    ApiErrors('badRequest', 'notFound', 'conflict'),
  );

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @CreateDocs()
  create(@Body() dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    return this.webhooks.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List webhooks, by id (without secrets)' })
  @ApiPaginatedList(WebhookResponseDto, 'Webhooks')
  list(@Query() query: PaginationQueryDto) {
    return this.webhooks.list(query);
  }

  @Get(':id')
  @GetDocs()
  get(@Param('id', PositiveIntPipe) id: number): Promise<WebhookResponseDto> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @UpdateDocs()
  update(
    @Param('id', PositiveIntPipe) id: number,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookResponseDto> {
    return this.webhooks.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @DeleteDocs()
  remove(@Param('id', PositiveIntPipe) id: number): Promise<void> {
    return this.webhooks.remove(id);
  }

  @Get(':id/deliveries')
  @DeliveriesDocs()
  deliveries(@Param('id', PositiveIntPipe) id: number, @Query() query: ListDeliveriesQueryDto) {
    return this.webhooks.listDeliveries(id, query);
  }

  @Post(':id/deliveries/:delivery_id/retry')
  @HttpCode(202)
  @RetryDocs()
  retry(
    @Param('id', PositiveIntPipe) id: number,
    @Param('delivery_id', PositiveIntPipe) deliveryId: number,
  ): Promise<RetryAcceptedDto> {
    return this.webhooks.retry(id, deliveryId);
  }
}
