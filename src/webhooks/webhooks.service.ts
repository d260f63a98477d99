import { randomBytes } from 'node:crypto';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { ConflictError } from '../common/conflict';
import type { Page, PaginationQueryDto } from '../common/pagination.dto';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import type { Tx } from '../database/tx';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import {
  DeliveryResponseDto,
  ListDeliveriesQueryDto,
  RetryAcceptedDto,
  toDeliveryResponse,
} from './dto/delivery.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import {
  CreatedWebhookDto,
  toWebhookResponse,
  WebhookResponseDto,
} from './dto/webhook-response.dto';
import { WebhookSubscription } from './entities/webhook-subscription.entity';
import { refusedName, refusedUrl } from './target-address';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDispatcherService } from './webhook-dispatcher.service';
import { ALL_EVENTS_MASK, eventMask } from './webhook-events';
import { SourcesRepository } from '../sources/sources.repository';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository';

/** `whsec_` + base64 of 32 random bytes: the Standard Webhooks secret format. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

@Injectable()
export class WebhooksService {
  constructor(
    private readonly subscriptions: WebhookSubscriptionsRepository,
    private readonly sources: SourcesRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly transactions: TransactionRunner,
    private readonly dispatcher: WebhookDispatcherService,
    private readonly config: AppConfig,
  ) {}

  async create(dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    await this.assertAllowedUrl(dto.url);
    const now = new Date();
    const fields = {
      url: dto.url,
      eventMask: dto.events ? eventMask(dto.events) : ALL_EVENTS_MASK,
      sourceId: dto.source_id ?? null,
      description: dto.description ?? null,
      isActive: true,
      secret: generateWebhookSecret(),
      createdAt: now,
      updatedAt: now,
    };
    const subscription = await this.transactions.run(async (tx) => {
      await this.assertSourceExists(tx, fields.sourceId);
      return this.subscriptions.insert(tx, fields);
    });
    return { ...toWebhookResponse(subscription), secret: subscription.secret };
  }

  async list({ limit, offset }: PaginationQueryDto): Promise<Page<WebhookResponseDto>> {
    const { items, total } = await this.subscriptions.page({ limit, offset });
    return { items: items.map(toWebhookResponse), total };
  }

  async get(id: number): Promise<WebhookResponseDto> {
    return toWebhookResponse(await this.findOrThrow(id));
  }

  async update(id: number, dto: UpdateWebhookDto): Promise<WebhookResponseDto> {
    if (dto.url === null || dto.events === null) {
      throw new BadRequestException(['url and events cannot be null']);
    }
    if (dto.url !== undefined) await this.assertAllowedUrl(dto.url);
    const changes: Partial<WebhookSubscription> = {};
    if (dto.url !== undefined) changes.url = dto.url;
    if (dto.events !== undefined) changes.eventMask = eventMask(dto.events);
    if (dto.source_id !== undefined) changes.sourceId = dto.source_id;
    if (dto.description !== undefined) changes.description = dto.description;
    if (dto.is_active !== undefined) changes.isActive = dto.is_active;
    const updated = await this.transactions.run(async (tx) => {
      if (changes.sourceId !== undefined) await this.assertSourceExists(tx, changes.sourceId);
      const found = await this.subscriptions.findByIdIn(tx, id);
      if (!found) throw new NotFoundException(`webhook ${id} not found`);
      changes.updatedAt = new Date();
      await this.subscriptions.update(tx, id, changes);
      if (changes.isActive) tx.afterCommit(() => this.dispatcher.wake());
      return { ...found, ...changes };
    });
    return toWebhookResponse(updated);
  }

  /** Deletes the subscription and its deliveries (pending ones are not sent). */
  async remove(id: number): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.deliveries.deleteOfSubscription(tx, id);
      const existed = await this.subscriptions.delete(tx, id);
      if (!existed) throw new NotFoundException(`webhook ${id} not found`);
    });
  }

  async listDeliveries(
    id: number,
    { limit, offset, status }: ListDeliveriesQueryDto,
  ): Promise<Page<DeliveryResponseDto>> {
    await this.findOrThrow(id);
    const { items, total } = await this.deliveries.pageOfSubscription(id, {
      limit,
      offset,
      status,
    });
    return { items: items.map(toDeliveryResponse), total };
  }

  /** Makes a dead or pending delivery due now (202): the dispatcher sends it at its next pass. */
  async retry(id: number, deliveryId: number): Promise<RetryAcceptedDto> {
    const now = new Date();
    const revived = await this.transactions.run(async (tx) => {
      const revived = await this.deliveries.revive(tx, id, deliveryId, now);
      if (revived) tx.afterCommit(() => this.dispatcher.wake());
      return revived;
    });
    if (!revived) {
      await this.findOrThrow(id);
      const delivery = await this.deliveries.findOfSubscription(id, deliveryId);
      if (!delivery)
        throw new NotFoundException(`delivery ${deliveryId} of webhook ${id} not found`);
      if (delivery.status === 'delivered') {
        throw new ConflictError(
          'ALREADY_DELIVERED',
          `delivery ${deliveryId} was delivered already`,
        );
      }
      // Being sent right now: nothing more to do.
      return { id: deliveryId, status: delivery.status };
    }
    return { id: deliveryId, status: 'pending' };
  }

  /** Scheme and literal address, then (best effort) what the name resolves to now. */
  private async assertAllowedUrl(url: string): Promise<void> {
    const allowPrivate = this.config.WEBHOOK_ALLOW_PRIVATE_TARGETS === 'true';
    const refused = refusedUrl(url, allowPrivate) ?? (allowPrivate ? null : await refusedName(url));
    if (refused) throw new BadRequestException([refused]);
  }

  private async assertSourceExists(tx: Tx, sourceId: number | null): Promise<void> {
    if (sourceId === null) return;
    if (!(await this.sources.exists(sourceId, tx))) {
      throw new NotFoundException(`source ${sourceId} not found`);
    }
  }

  private async findOrThrow(id: number): Promise<WebhookSubscription> {
    const subscription = await this.subscriptions.findById(id);
    if (!subscription) throw new NotFoundException(`webhook ${id} not found`);
    return subscription;
  }
}
