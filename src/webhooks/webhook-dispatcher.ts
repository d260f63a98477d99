import { randomUUID } from 'node:crypto';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { readerQuery } from '../database/raw-query';
import { parseDbTimestamp } from '../database/timestamps';
import { TransactionRunner } from '../database/transaction-runner';
import { type Dialect, placeholders, type Tx } from '../database/tx';
import { EventNotifier } from '../events/event-notifier';
import {
  type AssignmentTrigger,
  type RequestEventType,
  publicEventJson,
} from '../events/request-event';
import { retryDelayMs } from './backoff';
import { notSent, type OutgoingWebhook, type SendResult } from './send-result';
import { WebhookMetrics } from './webhook-metrics';
import { type ClaimedDelivery, WebhookOutbox } from './webhook-outbox';
import { WebhookSendThread } from './webhook-send-thread';

/** Deliveries claimed per pass (and sent at once). */
export const BATCH_SIZE = 200;
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
/** A nudge waits this long for others to join its pass. */
const COALESCE_MS = 10;
/**
 * Passes sending at once, at most. More than one only while a full batch of deliveries claimed
 * at insert waits and the last pass was quick (see mayStartPass).
 */
export const MAX_PASSES = 4;
/** A pass that sent and recorded its batch within this is quick: receivers are not the limit. */
export const QUICK_PASS_MS = 500;

const PURGE_BATCH = 1000;

const DUE =
  "status = 'pending' AND next_attempt_at <= ? AND EXISTS (SELECT 1 FROM webhook_subscriptions s " +
  'WHERE s.id = d.subscription_id AND s.is_active = ?)';

const ANY_DUE = `SELECT d.id FROM webhook_deliveries d WHERE ${DUE} LIMIT 1`;

/**
 * Claims due deliveries: pushes next_attempt_at to the end of a lease, counts the attempt and
 * stamps the claim's token. On PostgreSQL, SKIP LOCKED lets instances claim disjoint rows at
 * once; on SQLite the one writer serialises claims. A claim whose process died simply falls due
 * again when its lease ends.
 */
function claimSql(dialect: Dialect): string {
  const lock = dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  return (
    'UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, lock_token = ?, ' +
    `updated_at = ? WHERE id IN (SELECT d.id FROM webhook_deliveries d WHERE ${DUE} ` +
    `ORDER BY d.next_attempt_at, d.id LIMIT ?${lock}) RETURNING id`
  );
}

const loadSql = (count: number) =>
  'SELECT d.id, d.attempts, s.url, s.secret, e.event_id AS "eventId", e.type, e.request, ' +
  'e.previous_operator_id AS "previousOperatorId", e.trigger, e.request_id AS "requestId", ' +
  'e.source_id AS "sourceId", e.created_at AS "createdAt" FROM webhook_deliveries d ' +
  'JOIN webhook_subscriptions s ON s.id = d.subscription_id ' +
  'JOIN request_events e ON e.id = d.request_event_id ' +
  `WHERE d.id IN (${placeholders(count)})`;

/** Every delivered row of a pass that got the same status code, in one statement. */
const deliveredSql = (count: number) =>
  "UPDATE webhook_deliveries SET status = 'delivered', lock_token = NULL, last_status_code = ?, " +
  'last_error = NULL, delivered_at = ?, updated_at = ? WHERE lock_token = ? AND id IN (' +
  `${placeholders(count)})`;

const FAILED_SQL =
  'UPDATE webhook_deliveries SET status = ?, lock_token = NULL, last_status_code = ?, ' +
  'last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND lock_token = ?';

const PURGE_SQL =
  'DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries ' +
  "WHERE status <> 'pending' AND updated_at < ? LIMIT ?) RETURNING id";

const subscriptionsSql = (count: number) =>
  'SELECT id, url, secret FROM webhook_subscriptions WHERE is_active = ? AND id IN (' +
  `${placeholders(count)})`;

const releaseSql = (count: number) =>
  'UPDATE webhook_deliveries SET attempts = attempts - 1, lock_token = NULL, next_attempt_at = ?, ' +
  `updated_at = ? WHERE lock_token = ? AND id IN (${placeholders(count)})`;

/**
 * Whether another pass may start now. One at a time as a rule. A full batch waiting while the
 * last pass was quick means the gaps between passes (the coalescing wait, the hand-over, the
 * outcomes) hold sending back, not the receivers: then passes overlap, so that the deliveries
 * claimed at insert do not pile up past CLAIMED_BACKLOG_LIMIT (new rows would then be written
 * unclaimed and each cost a claim later). Never when the last pass was slow: its receivers would
 * only get a longer queue, and a webhook's deadline runs from when it is handed to the sender.
 */
export function mayStartPass(state: {
  running: number;
  claimedWaiting: number;
  lastPassMs: number;
}): boolean {
  if (state.running === 0) return true;
  return (
    state.running < MAX_PASSES &&
    state.claimedWaiting >= BATCH_SIZE &&
    state.lastPassMs < QUICK_PASS_MS
  );
}
/** A delivery of a pass: its claim (token, the attempt it is) and what to send. */
interface Outgoing {
  id: number | string;
  attempts: number;
  token: string;
  webhook: OutgoingWebhook;
  /** Could not be prepared: this failed attempt is its outcome, and it is not sent. */
  unsent?: SendResult;
}

interface ClaimedRow {
  id: number | string;
  attempts: number | string;
  url: string;
  secret: string;
  eventId: string;
  type: RequestEventType;
  request: string;
  previousOperatorId: number | null;
  trigger: AssignmentTrigger | null;
  requestId: number;
  sourceId: number;
  createdAt: Date | string;
}

/**
 * Sends the outbox: in every instance, woken after each commit that enqueued deliveries
 * (EventNotifier, filtered by the outbox's flag), by the API's retry, and by a fallback poll (WEBHOOK_POLL_INTERVAL_MS; 0 turns this instance's
 * sending off). One pass (tick) claims a batch in a short transaction, sends it with no
 * transaction open, and records the outcomes in another; a result only counts while its claim
 * still holds (lock_token), so a taken-over delivery is never recorded twice.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly sender: WebhookSendThread;
  private readonly leaseMs: number;
  private timer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private retryAt = Infinity;
  private unsubscribe?: () => void;
  private readonly passes = new Set<Promise<void>>();
  /** How long the last pass took (from its start to its outcomes recorded). */
  private lastPassMs = Infinity;
  private scheduled?: NodeJS.Timeout;
  private again = false;
  /** Rows may be due in the table (not only claimed at insert): the next pass looks. */
  private mayBeDue = true;
  private stopped = true;
  private lastPurge = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly reader: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly notifier: EventNotifier,
    private readonly metrics: WebhookMetrics,
    private readonly outbox: WebhookOutbox,
  ) {
    this.sender = new WebhookSendThread({
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS === 'true',
    });
    this.leaseMs = config.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS;
  }

  onApplicationBootstrap(): void {
    if (this.config.WEBHOOK_POLL_INTERVAL_MS === 0) return;
    this.stopped = false;
    this.outbox.claimForDispatcher(this.leaseMs);
    this.unsubscribe = this.notifier.subscribe(() => {
      if (this.outbox.takeEnqueued()) this.wake();
      else if (this.outbox.claimedWaiting > 0) this.wake(false);
    });
    this.timer = setInterval(() => this.wake(), this.config.WEBHOOK_POLL_INTERVAL_MS);
    this.timer.unref();
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.outbox.claimForDispatcher(undefined);
    this.unsubscribe?.();
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.scheduled);
    await Promise.all(this.passes);
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
    if (this.stopped) return;
    if (!this.mayStartPass()) {
      this.again = true;
      return;
    }
    this.schedule(COALESCE_MS);
  }

  private mayStartPass(): boolean {
    return mayStartPass({
      running: this.passes.size,
      claimedWaiting: this.outbox.claimedWaiting,
      lastPassMs: this.lastPassMs,
    });
  }

  /**
   * The next pass, after `delay` ms: nudges that arrive meanwhile join it, so under load one
   * claim and one record transaction serve many commits instead of two per commit.
   */
  private schedule(delay: number): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      if (this.stopped) return;
      if (!this.mayStartPass()) {
        this.again = true;
        return;
      }
      this.again = false;
      const pass: Promise<void> = this.pass().then((full) => {
        this.passes.delete(pass);
        // More due work (a full batch), or nudges that came during the pass.
        if (full) this.schedule(0);
        else if (this.again) this.schedule(COALESCE_MS);
      });
      this.passes.add(pass);
      // A full batch already waits for the next pass: it need not wait for this one to end.
      if (this.mayStartPass()) this.schedule(0);
    }, delay);
  }

  /** One pass; whether more work is known to wait (a full batch, or claimed deliveries). */
  private async pass(): Promise<boolean> {
    const started = Date.now();
    try {
      const full = (await this.sendBatch()) >= BATCH_SIZE || this.outbox.claimedWaiting > 0;
      this.lastPassMs = Date.now() - started;
      if (Date.now() - this.lastPurge >= PURGE_EVERY_MS) {
        this.lastPurge = Date.now();
        await this.purge();
      }
      return full;
    } catch (error) {
      this.mayBeDue = true;
      this.logger.warn(`webhook dispatch failed: ${String(error)}`);
      return false;
    }
  }

  /**
   * One pass: up to BATCH_SIZE deliveries (first those claimed when they were written, handed
   * over from memory, then due rows it claims), sent at once; then their outcomes, recorded.
   */
  async tick(): Promise<number> {
    this.mayBeDue = true;
    return this.sendBatch();
  }

  private async sendBatch(): Promise<number> {
    const now = new Date();
    // A quarter of the batch stays for due rows (retries, overflow), so that a steady stream of
    // new deliveries does not hold them back.
    const fromMemory = this.mayBeDue ? (BATCH_SIZE * 3) / 4 : BATCH_SIZE;
    const batch = await this.claimedAtInsert(this.outbox.takeClaimed(fromMemory), now);
    if (batch.length < BATCH_SIZE && this.mayBeDue) {
      this.mayBeDue = false;
      const due = await readerQuery(this.reader.manager).query(ANY_DUE, [now, true]);
      if (due.length > 0) {
        const token = randomUUID();
        const claimed = await this.transactions.run((tx) =>
          this.claim(tx, token, now, BATCH_SIZE - batch.length),
        );
        // A full claim may have left more.
        if (claimed.length === BATCH_SIZE - batch.length) this.mayBeDue = true;
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
    const ids = [...new Set(deliveries.map((delivery) => delivery.subscriptionId))];
    const subscriptions = new Map(
      (
        await readerQuery(this.reader.manager).query<{ id: number; url: string; secret: string }>(
          subscriptionsSql(ids.length),
          [true, ...ids],
        )
      ).map((row) => [Number(row.id), row]),
    );
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
      tx.query(releaseSql(ids.length), [now, now, this.outbox.claimToken, ...ids]),
    );
    this.wake();
  }

  /** Deletes delivered and dead rows older than WEBHOOK_RETENTION_DAYS, in small batches. */
  async purge(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.WEBHOOK_RETENTION_DAYS * 86_400_000);
    let total = 0;
    for (;;) {
      const deleted = await this.transactions.run((tx) =>
        tx.query<{ id: number }>(PURGE_SQL, [before, PURGE_BATCH]),
      );
      total += deleted.length;
      if (deleted.length < PURGE_BATCH) return total;
    }
  }

  private async claim(tx: Tx, token: string, now: Date, limit: number): Promise<ClaimedRow[]> {
    const leaseEnd = new Date(now.getTime() + this.leaseMs);
    const ids = await tx.query<{ id: number | string }>(claimSql(tx.dialect), [
      leaseEnd,
      token,
      now,
      now,
      true,
      limit,
    ]);
    if (ids.length === 0) return [];
    const rows = await tx.query<ClaimedRow>(
      loadSql(ids.length),
      ids.map((row) => row.id),
    );
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  private async record(batch: Outgoing[], results: SendResult[]): Promise<void> {
    const now = new Date();
    const counts = { delivered: 0, retry: 0, dead: 0 };
    let soonest = Infinity;
    await this.transactions.run(async (tx) => {
      // Every delivered row of one claim that got the same status code: one statement.
      type Group = { token: string; statusCode: number | null; ids: Array<number | string> };
      const delivered = new Map<string, Group>();
      let group: Group | undefined;
      for (const [i, delivery] of batch.entries()) {
        const result = results[i];
        if (!result.delivered) continue;
        // Most of a batch shares one claim and one status code: the group of the row before.
        if (group?.token !== delivery.token || group.statusCode !== result.statusCode) {
          const key = `${delivery.token} ${result.statusCode}`;
          group = delivered.get(key);
          if (!group) {
            group = { token: delivery.token, statusCode: result.statusCode, ids: [] };
            delivered.set(key, group);
          }
        }
        group.ids.push(delivery.id);
        counts.delivered++;
      }
      for (const { token, statusCode, ids } of delivered.values()) {
        await tx.query(deliveredSql(ids.length), [statusCode, now, now, token, ...ids]);
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
        const next = new Date(now.getTime() + delay);
        await tx.query(FAILED_SQL, [
          dead ? 'dead' : 'pending',
          result.statusCode,
          result.error,
          next,
          now,
          delivery.id,
          delivery.token,
        ]);
        if (dead) counts.dead++;
        else {
          counts.retry++;
          soonest = Math.min(soonest, next.getTime());
        }
      }
    });
    for (const [outcome, count] of Object.entries(counts)) {
      this.metrics.record(outcome as keyof typeof counts, count);
    }
    if (soonest < Infinity) this.wakeAt(soonest);
  }

  /** A retry this instance scheduled is sent on time, not at the next poll. */
  private wakeAt(at: number): void {
    if (this.stopped || at >= this.retryAt) return;
    clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = setTimeout(
      () => {
        this.retryAt = Infinity;
        this.wake();
      },
      Math.max(0, at - Date.now()) + 5,
    );
    this.retryTimer.unref();
  }
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
