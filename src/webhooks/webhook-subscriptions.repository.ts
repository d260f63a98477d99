import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Page } from '../common/pagination.dto';
import { readerQuery } from '../database/raw-query';
import { placeholders, type Tx } from '../database/tx';
import { WebhookSubscription } from './entities/webhook-subscription.entity';

/**
 * SQLite: the active subscriptions, read in the change's transaction (on its one writer
 * connection, so no other change can come between). No in-process cache of subscriptions: the
 * API changes them in other transactions, and a stale cache would lose events.
 */
const ACTIVE_SUBSCRIPTIONS_SQL =
  'SELECT id, event_mask AS "eventMask", source_id AS "sourceId" FROM webhook_subscriptions ' +
  'WHERE is_active = ? ORDER BY id';

const activeByIdsSql = (count: number) =>
  'SELECT id, url, secret FROM webhook_subscriptions WHERE is_active = ? AND id IN (' +
  `${placeholders(count)})`;

/** What the outbox matches an event against. */
export interface ActiveSubscription {
  id: number;
  eventMask: number;
  sourceId: number | null;
}

/** Where a delivery goes and how it is signed, as the subscription is now. */
export interface SubscriptionTarget {
  id: number;
  url: string;
  secret: string;
}

export type NewSubscription = Omit<WebhookSubscription, 'id'>;

/** webhook_subscriptions: the admin API's rows, matched by the outbox, read by the dispatcher. */
@Injectable()
export class WebhookSubscriptionsRepository {
  constructor(private readonly reader: DataSource) {}

  /** Inserts `fields`; the row, with its id. */
  async insert(tx: Tx, fields: NewSubscription): Promise<WebhookSubscription> {
    const subscription = tx.manager.create(WebhookSubscription, fields);
    await tx.manager.insert(WebhookSubscription, subscription);
    return subscription;
  }

  async page({
    limit,
    offset,
  }: {
    limit: number;
    offset: number;
  }): Promise<Page<WebhookSubscription>> {
    const [items, total] = await this.reader.manager.findAndCount(WebhookSubscription, {
      order: { id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }

  findById(id: number): Promise<WebhookSubscription | null> {
    return this.reader.manager.findOneBy(WebhookSubscription, { id });
  }

  /** The row as this transaction sees it. */
  findByIdIn(tx: Tx, id: number): Promise<WebhookSubscription | null> {
    return tx.manager.findOneBy(WebhookSubscription, { id });
  }

  async update(tx: Tx, id: number, changes: Partial<WebhookSubscription>): Promise<void> {
    await tx.manager.update(WebhookSubscription, { id }, changes);
  }

  /** Deletes the subscription (its deliveries first: see WebhookDeliveriesRepository); whether it existed. */
  async delete(tx: Tx, id: number): Promise<boolean> {
    const deleted = await tx.query('DELETE FROM webhook_subscriptions WHERE id = ? RETURNING id', [
      id,
    ]);
    return deleted.length > 0;
  }

  /** SQLite: the active subscriptions, in the change's transaction (see ACTIVE_SUBSCRIPTIONS_SQL). */
  active(tx: Tx): Promise<ActiveSubscription[]> {
    return tx.query<ActiveSubscription>(ACTIVE_SUBSCRIPTIONS_SQL, [true]);
  }

  /** Those of `ids` still active, by id (read outside a transaction). */
  async activeTargets(ids: readonly number[]): Promise<Map<number, SubscriptionTarget>> {
    const rows = await readerQuery(this.reader.manager).query<SubscriptionTarget>(
      activeByIdsSql(ids.length),
      [true, ...ids],
    );
    return new Map(rows.map((row) => [Number(row.id), row]));
  }
}
