import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PaginationQueryDto } from '../common/pagination.dto';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { ListDeliveriesQueryDto, RetryAcceptedDto } from './dto/delivery.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import { CreatedWebhookDto, WebhookResponseDto } from './dto/webhook-response.dto';
import {
  ApiCreateWebhook,
  ApiDeleteWebhook,
  ApiGetWebhook,
  ApiListDeliveries,
  ApiListWebhooks,
  ApiRetryDelivery,
  ApiUpdateWebhook,
} from './webhooks.docs';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiCreateWebhook()
  create(@Body() dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    return this.webhooks.create(dto);
  }

  @Get()
  @ApiListWebhooks()
  list(@Query() query: PaginationQueryDto) {
    return this.webhooks.list(query);
  }

  @Get(':id')
  @ApiGetWebhook()
  get(@Param('id', PositiveIntPipe) id: number): Promise<WebhookResponseDto> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @ApiUpdateWebhook()
  update(
    @Param('id', PositiveIntPipe) id: number,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookResponseDto> {
    return this.webhooks.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDeleteWebhook()
  remove(@Param('id', PositiveIntPipe) id: number): Promise<void> {
    return this.webhooks.remove(id);
  }

  @Get(':id/deliveries')
  @ApiListDeliveries()
  deliveries(@Param('id', PositiveIntPipe) id: number, @Query() query: ListDeliveriesQueryDto) {
    return this.webhooks.listDeliveries(id, query);
  }

  @Post(':id/deliveries/:delivery_id/retry')
  @HttpCode(202)
  @ApiRetryDelivery()
  retry(
    @Param('id', PositiveIntPipe) id: number,
    @Param('delivery_id', PositiveIntPipe) deliveryId: number,
  ): Promise<RetryAcceptedDto> {
    return this.webhooks.retry(id, deliveryId);
  }
}
