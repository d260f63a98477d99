import { randomBytes } from 'node:crypto';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError } from '../common/conflict';
import type { Page, PaginationQueryDto } from '../common/pagination.dto';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import type { Tx } from '../database/tx';
import { WEBHOOK_EVENT_TYPES } from '../events/request-event';
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
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookSubscription } from './entities/webhook-subscription.entity';
import { refusedName, refusedUrl } from './target-address';
import { WebhookDispatcher } from './webhook-dispatcher';
import { eventMask } from './webhook-events';

/** `whsec_` + base64 of 32 random bytes: the Standard Webhooks secret format. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Sends a delivery again now: a dead one with its attempts counted afresh, a pending one sooner. */
const RETRY_SQL =
  "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ?, " +
  "attempts = CASE WHEN status = 'dead' THEN 0 ELSE attempts END " +
  "WHERE id = ? AND subscription_id = ? AND (status = 'dead' OR (status = 'pending' AND " +
  'lock_token IS NULL)) RETURNING id';

@Injectable()
export class WebhooksService {
  constructor(
    @InjectRepository(WebhookSubscription)
    private readonly subscriptions: Repository<WebhookSubscription>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly transactions: TransactionRunner,
    private readonly dispatcher: WebhookDispatcher,
    private readonly config: AppConfig,
  ) {}

  async create(dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    await this.assertAllowedUrl(dto.url);
    const now = new Date();
    const subscription = this.subscriptions.create({
      url: dto.url,
      eventMask: eventMask(dto.events ?? WEBHOOK_EVENT_TYPES),
      sourceId: dto.source_id ?? null,
      description: dto.description ?? null,
      isActive: true,
      secret: generateWebhookSecret(),
      createdAt: now,
      updatedAt: now,
    });
    await this.transactions.run(async (tx) => {
      await this.assertSourceExists(tx, subscription.sourceId);
      await tx.manager.insert(WebhookSubscription, subscription);
    });
    return { ...toWebhookResponse(subscription), secret: subscription.secret };
  }

  async list({ limit, offset }: PaginationQueryDto): Promise<Page<WebhookResponseDto>> {
    const [rows, total] = await this.subscriptions.findAndCount({
      order: { id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items: rows.map(toWebhookResponse), total };
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
      const found = await tx.manager.findOneBy(WebhookSubscription, { id });
      if (!found) throw new NotFoundException(`webhook ${id} not found`);
      changes.updatedAt = new Date();
      await tx.manager.update(WebhookSubscription, { id }, changes);
      if (changes.isActive) tx.afterCommit(() => this.dispatcher.wake());
      return { ...found, ...changes };
    });
    return toWebhookResponse(updated);
  }

  /** Deletes the subscription and its deliveries (pending ones are not sent). */
  async remove(id: number): Promise<void> {
    await this.transactions.run(async (tx) => {
      await tx.query('DELETE FROM webhook_deliveries WHERE subscription_id = ?', [id]);
      const deleted = await tx.query(
        'DELETE FROM webhook_subscriptions WHERE id = ? RETURNING id',
        [id],
      );
      if (deleted.length === 0) throw new NotFoundException(`webhook ${id} not found`);
    });
  }

  async listDeliveries(
    id: number,
    { limit, offset, status }: ListDeliveriesQueryDto,
  ): Promise<Page<DeliveryResponseDto>> {
    await this.findOrThrow(id);
    const [rows, total] = await this.deliveries.findAndCount({
      where: { subscriptionId: id, ...(status ? { status } : {}) },
      order: { id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items: rows.map(toDeliveryResponse), total };
  }

  /** Makes a dead or pending delivery due now (202): the dispatcher sends it at its next pass. */
  async retry(id: number, deliveryId: number): Promise<RetryAcceptedDto> {
    const now = new Date();
    const revived = await this.transactions.run(async (tx) => {
      const rows = await tx.query(RETRY_SQL, [now, now, deliveryId, id]);
      if (rows.length > 0) tx.afterCommit(() => this.dispatcher.wake());
      return rows.length > 0;
    });
    if (!revived) {
      await this.findOrThrow(id);
      const delivery = await this.deliveries.findOneBy({ id: deliveryId, subscriptionId: id });
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
    const rows = await tx.query('SELECT id FROM sources WHERE id = ?', [sourceId]);
    if (rows.length === 0) throw new NotFoundException(`source ${sourceId} not found`);
  }

  private async findOrThrow(id: number): Promise<WebhookSubscription> {
    const subscription = await this.subscriptions.findOneBy({ id });
    if (!subscription) throw new NotFoundException(`webhook ${id} not found`);
    return subscription;
  }
}
