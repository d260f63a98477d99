import { randomUUID } from 'node:crypto';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { parseDbTimestamp } from '../database/timestamps';
import { TransactionRunner } from '../database/transaction-runner';
import { EventNotifier } from '../events/event-notifier';
import { publicEventJson } from '../events/request-event';
import { retryDelayMs } from './backoff';
import { notSent, type OutgoingWebhook, type SendResult } from './send-result';
import { type ClaimedRow, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookMetrics } from './webhook-metrics';
import { type ClaimedDelivery, WebhookOutbox } from './webhook-outbox';
import { BATCH_SIZE, type PassResult, WebhookPassScheduler } from './webhook-pass.scheduler';
import { WebhookSendThread } from './webhook-send-thread';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository';

/** A claim outlives the attempt's timeout by this much before another dispatcher may take it. */
export const LEASE_MARGIN_MS = 60_000;
/**
 * A delivery claimed at insert is sent from memory only while this much of its lease is left
 * beyond an attempt's timeout. The sending thread settles a batch within the timeout plus
 * BATCH_DEADLINE_MARGIN_MS (and replaces itself a second after), under this: the outcomes are
 * recorded while the claims hold.
 */
const LEASE_SAFETY_MS = 10_000;
const PURGE_EVERY_MS = 10 * 60_000;
const PURGE_BATCH = 1000;

/** A delivery of a pass: its claim (token, the attempt it is) and what to send. */
interface Outgoing {
  id: number | string;
  attempts: number;
  token: string;
  webhook: OutgoingWebhook;
  /** Could not be prepared: this failed attempt is its outcome, and it is not sent. */
  unsent?: SendResult;
}

/**
 * Sends the outbox: in every instance, woken after each commit that enqueued deliveries
 * (EventNotifier, filtered by the outbox's flag), by the API's retry, and by a fallback poll
 * (WEBHOOK_POLL_INTERVAL_MS; 0 turns this instance's sending off); WebhookPassScheduler decides
 * when. One pass (tick) claims a batch in a short transaction, sends it with no transaction
 * open, and records the outcomes in another; a result only counts while its claim still holds
 * (lock_token), so a taken-over delivery is never recorded twice.
 */
@Injectable()
export class WebhookDispatcherService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcherService.name);
  private readonly sender: WebhookSendThread;
  private readonly leaseMs: number;
  private readonly scheduler: WebhookPassScheduler;
  private unsubscribe?: () => void;
  /** Rows may be due in the table (not only claimed at insert): the next pass looks. */
  private mayBeDue = true;
  private lastPurge = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: TransactionRunner,
    private readonly notifier: EventNotifier,
    private readonly metrics: WebhookMetrics,
    private readonly outbox: WebhookOutbox,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly subscriptions: WebhookSubscriptionsRepository,
  ) {
    this.sender = new WebhookSendThread({
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS === 'true',
    });
    this.leaseMs = config.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS;
    this.scheduler = new WebhookPassScheduler({
      pass: () => this.pass(),
      claimedWaiting: () => this.outbox.claimedWaiting,
      due: () => this.wake(),
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.WEBHOOK_POLL_INTERVAL_MS === 0) return;
    this.outbox.claimForDispatcher(this.leaseMs);
    this.unsubscribe = this.notifier.subscribe(() => {
      if (this.outbox.takeEnqueued()) this.wake();
      else if (this.outbox.claimedWaiting > 0) this.wake(false);
    });
    this.scheduler.start(this.config.WEBHOOK_POLL_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.outbox.claimForDispatcher(undefined);
    this.unsubscribe?.();
    await this.scheduler.stop();
    // Claimed at insert and not sent: due now for the next dispatcher, not after their lease.
    const unsent = this.outbox.takeClaimed(Infinity).map((delivery) => delivery.id);
    if (unsent.length > 0) {
      await this.release(unsent, new Date()).catch((error: unknown) =>
        this.logger.warn(`could not release unsent webhook claims: ${String(error)}`),
      );
    }
    await this.sender.close();
  }

  /**
   * Asks for a pass soon; cheap and coalescing (called after every commit with deliveries).
   * `due`: rows may have fallen due in the table (a poll, a retry, unclaimed new rows), so the
   * pass looks for them; deliveries claimed at insert alone need no look.
   */
  wake(due = true): void {
    if (due) this.mayBeDue = true;
    this.scheduler.wake();
  }

  /**
   * One pass now, after the scheduled ones running have ended: up to BATCH_SIZE deliveries
   * (first those claimed when they were written, handed over from memory, then due rows it
   * claims), sent at once; then their outcomes, recorded. How many it sent. Once it resolves,
   * everything this dispatcher had in flight has been sent and recorded: a test asserts what
   * arrived instead of waiting to see whether more does.
   */
  async tick(): Promise<number> {
    await this.scheduler.idle();
    this.mayBeDue = true;
    const sent = await this.sendBatch();
    await this.scheduler.idle();
    return sent;
  }

  /** Deletes delivered and dead rows older than WEBHOOK_RETENTION_DAYS, in small batches. */
  async purge(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.WEBHOOK_RETENTION_DAYS * 86_400_000);
    let total = 0;
    for (;;) {
      const deleted = await this.transactions.run((tx) =>
        this.deliveries.purgeFinished(tx, before, PURGE_BATCH),
      );
      total += deleted;
      if (deleted < PURGE_BATCH) return total;
    }
  }

  /** A scheduled pass; logs its failure. */
  private async pass(): Promise<PassResult> {
    const started = Date.now();
    try {
      const more = (await this.sendBatch()) >= BATCH_SIZE || this.outbox.claimedWaiting > 0;
      const tookMs = Date.now() - started;
      if (Date.now() - this.lastPurge >= PURGE_EVERY_MS) {
        this.lastPurge = Date.now();
        await this.purge();
      }
      return { more, tookMs };
    } catch (error) {
      this.mayBeDue = true;
      this.logger.warn(`webhook dispatch failed: ${String(error)}`);
      return { more: false };
    }
  }

  private async sendBatch(): Promise<number> {
    const now = new Date();
    // A quarter of the batch stays for due rows (retries, overflow), so that a steady stream of
    // new deliveries does not hold them back.
    const fromMemory = this.mayBeDue ? (BATCH_SIZE * 3) / 4 : BATCH_SIZE;
    const batch = await this.claimedAtInsert(this.outbox.takeClaimed(fromMemory), now);
    if (batch.length < BATCH_SIZE && this.mayBeDue) {
      this.mayBeDue = false;
      if (await this.deliveries.anyDue(now)) {
        const token = randomUUID();
        const limit = BATCH_SIZE - batch.length;
        const leaseEnd = new Date(now.getTime() + this.leaseMs);
        const claimed = await this.transactions.run((tx) =>
          this.deliveries.claimDue(tx, token, now, leaseEnd, limit),
        );
        // A full claim may have left more.
        if (claimed.length === limit) this.mayBeDue = true;
        for (const row of claimed) batch.push(outgoing(row, token));
      }
    }
    if (batch.length === 0) return 0;
    const sent = await this.sender.send(
      batch.filter((delivery) => !delivery.unsent).map((delivery) => delivery.webhook),
    );
    let next = 0;
    await this.record(
      batch,
      batch.map((delivery) => delivery.unsent ?? sent[next++]),
    );
    return batch.length;
  }

  /**
   * Deliveries this instance claimed at insert, with their subscription's URL and secret as
   * they are now. Those whose subscription was deactivated meanwhile are let go (unclaimed, the
   * attempt not counted) to wait like any pending delivery; deleted ones are gone with it.
   */
  private async claimedAtInsert(deliveries: ClaimedDelivery[], now: Date): Promise<Outgoing[]> {
    if (deliveries.length === 0) return [];
    const subscriptions = await this.subscriptions.activeTargets([
      ...new Set(deliveries.map((delivery) => delivery.subscriptionId)),
    ]);
    const outgoing: Outgoing[] = [];
    const orphans: number[] = [];
    for (const delivery of deliveries) {
      // Waited so long (slow receivers ahead of it) that its attempt could outlast the claim:
      // left to its lease, after which it is due like any other row, so it is never sent twice.
      if (delivery.leaseEndsAt - now.getTime() < this.config.WEBHOOK_TIMEOUT_MS + LEASE_SAFETY_MS) {
        continue;
      }
      const subscription = subscriptions.get(delivery.subscriptionId);
      if (!subscription) {
        orphans.push(delivery.id);
        continue;
      }
      outgoing.push({
        id: delivery.id,
        attempts: 1,
        token: this.outbox.claimToken,
        webhook: {
          url: subscription.url,
          secret: subscription.secret,
          id: delivery.eventId,
          body: delivery.body,
        },
      });
    }
    if (orphans.length > 0) await this.release(orphans, now);
    return outgoing;
  }

  /** Gives back claims made at insert and not sent: due now, the attempt not counted. */
  private async release(ids: number[], now: Date): Promise<void> {
    await this.transactions.run((tx) =>
      this.deliveries.releaseClaims(tx, this.outbox.claimToken, ids, now),
    );
    this.wake();
  }

  private async record(batch: Outgoing[], results: SendResult[]): Promise<void> {
    const now = new Date();
    const counts = { delivered: 0, retry: 0, dead: 0 };
    let soonest = Infinity;
    await this.transactions.run(async (tx) => {
      for (const { token, statusCode, ids } of deliveredGroups(batch, results)) {
        await this.deliveries.markDelivered(tx, token, statusCode, ids, now);
        counts.delivered += ids.length;
      }
      for (const [i, delivery] of batch.entries()) {
        const result = results[i];
        if (result.delivered) continue;
        const dead = delivery.attempts >= this.config.WEBHOOK_MAX_ATTEMPTS;
        const delay = retryDelayMs(
          delivery.attempts,
          this.config.WEBHOOK_BACKOFF_BASE_MS,
          this.config.WEBHOOK_BACKOFF_MAX_MS,
        );
        const nextAttemptAt = new Date(now.getTime() + delay);
        const { id, token } = delivery;
        const { statusCode, error } = result;
        await this.deliveries.markFailed(
          tx,
          { id, token, dead, statusCode, error, nextAttemptAt },
          now,
        );
        if (dead) counts.dead++;
        else {
          counts.retry++;
          soonest = Math.min(soonest, nextAttemptAt.getTime());
        }
      }
    });
    for (const [outcome, count] of Object.entries(counts)) {
      this.metrics.record(outcome as keyof typeof counts, count);
    }
    if (soonest < Infinity) this.scheduler.wakeAt(soonest);
  }
}

interface DeliveredGroup {
  token: string;
  statusCode: number | null;
  ids: Array<number | string>;
}

/** The delivered rows of a batch by claim and status code: one statement records each group. */
function deliveredGroups(batch: Outgoing[], results: SendResult[]): Iterable<DeliveredGroup> {
  const groups = new Map<string, DeliveredGroup>();
  let group: DeliveredGroup | undefined;
  for (const [i, delivery] of batch.entries()) {
    const result = results[i];
    if (!result.delivered) continue;
    // Most of a batch shares one claim and one status code: the group of the row before.
    if (group?.token !== delivery.token || group.statusCode !== result.statusCode) {
      const key = `${delivery.token} ${result.statusCode}`;
      group = groups.get(key);
      if (!group) {
        group = { token: delivery.token, statusCode: result.statusCode, ids: [] };
        groups.set(key, group);
      }
    }
    group.ids.push(delivery.id);
  }
  return groups.values();
}

/**
 * A claimed row as a delivery to send. One whose body cannot be built (a stored event that no
 * longer renders) is a failed attempt of its own, so that it ends dead like any other, and its
 * batch goes on without it.
 */
function outgoing(row: ClaimedRow, token: string): Outgoing {
  const webhook = { url: row.url, secret: row.secret, id: row.eventId, body: '' };
  const delivery = { id: row.id, attempts: Number(row.attempts), token, webhook };
  try {
    webhook.body = body(row);
    return delivery;
  } catch (error) {
    return { ...delivery, unsent: notSent(webhook, 'could not be built', error) };
  }
}

/** The body a receiver gets: the event as it was stored with the change. */
function body(row: ClaimedRow): string {
  if (row.body !== null) return row.body;
  return publicEventJson(
    {
      eventId: row.eventId,
      type: row.type,
      previousOperatorId: row.previousOperatorId === null ? null : Number(row.previousOperatorId),
      trigger: row.trigger,
      createdAt: parseDbTimestamp(row.createdAt),
    },
    row.request,
  );
}
