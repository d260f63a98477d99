import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { isTransientConflict } from '../../database/database-errors';
import { WRITER } from '../../database/database.constants';
import { queryPrepared } from '../../database/tx';
import { DistributionService, type SourceRules } from '../../distribution/distribution.service';
import { type ConfiguredOperator, toConfiguredOperator } from '../../distribution/eligibility';
import { newEventId } from '../../events/event-id';
import { EventNotifier } from '../../events/event-notifier';
import type { RequestEventRecord } from '../../events/request-event';
import { MetricsService } from '../../metrics/metrics.service';
import type { InsertedDelivery } from '../../webhooks/webhook-outbox';
import { WebhookOutbox } from '../../webhooks/webhook-outbox';
import { RequestView, toRequestResponse } from '../dto/request-response.dto';

export interface IntakeRequest {
  leadExternalId: string;
  leadName: string | null;
  leadEmail: string | null;
  leadPhone: string | null;
  sourceId: number;
  message: string | null;
}

/** Tries before the intake goes the transactional way (RequestLifecycleService.create). */
const PICKS = 3;

/**
 * How long a source's read may serve further choices, when neither the strategy (it ignores
 * loads) nor the source (not sticky) needs anything a moment old would get wrong. The claim
 * re-checks activity, capacity and weight; a lost claim or a read that finds nobody eligible is
 * read again. A rename shows in new requests after this long at most.
 */
export const READ_REUSE_MS = 100;

// What a choice needs, in one read taken before any lock: the source's rules, its operators
// with their loads and weights, and on a sticky source the lead's last operator there. Stale
// values are fine: the claim re-checks capacity and activity.
const READ = `SELECT s.strategy, s.sticky,
    CASE WHEN s.sticky THEN (SELECT r.operator_id FROM requests r JOIN leads l ON l.id = r.lead_id
      WHERE l.external_id = ? AND r.source_id = s.id AND r.operator_id IS NOT NULL
      ORDER BY r.id DESC LIMIT 1) END AS "stickyOperatorId",
    o.id AS "operatorId", o.name AS "operatorName", o.is_active AS "isActive",
    o.current_load AS "currentLoad", o.max_load AS "maxLoad", w.weight
  FROM sources s LEFT JOIN operator_source_weights w ON w.source_id = s.id
    LEFT JOIN operators o ON o.id = w.operator_id
  WHERE s.id = ? ORDER BY o.id`;

/** The source's columns, on every row; then one operator per row (null: none configured). */
type ReadRow = Record<string, unknown> & {
  strategy: string | null;
  sticky: boolean;
  stickyOperatorId: number | null;
  operatorId: number | null;
};

// A blank contact field of an existing lead is filled from the request; others are kept.
const fill = (column: string) =>
  `${column} = CASE WHEN COALESCE(TRIM(leads.${column}), '') = ''
    AND COALESCE(TRIM(EXCLUDED.${column}), '') <> '' THEN EXCLUDED.${column} ELSE leads.${column} END`;

/**
 * Everything an assigned intake writes, as one statement and so one implicit transaction: the
 * lead upsert, the capacity claim (the one conditional UPDATE, which also re-checks the weight the
 * read saw, so an operator taken off the source meanwhile is not chosen), the request, its two
 * events and
 * their webhook deliveries. When the claim matches nothing (another intake took the last unit),
 * the request and its events are not written and no row comes back; the lead is, as a retry
 * would write it anyway. The request's JSON in the events is spliced around its new id.
 */
const intakeStatement = (deliveries: string) => `WITH lead AS (
    INSERT INTO leads (external_id, name, email, phone, created_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (external_id) DO UPDATE SET ${fill('name')}, ${fill('email')}, ${fill('phone')}
    RETURNING id),
  claim AS (UPDATE operators SET current_load = current_load + 1
    WHERE id = ? AND current_load < max_load AND is_active AND EXISTS (SELECT 1
      FROM operator_source_weights w WHERE w.source_id = ? AND w.operator_id = operators.id
        AND w.weight > 0) RETURNING id),
  request AS (INSERT INTO requests
      (lead_id, source_id, operator_id, status, message, decision, created_at, assigned_at, updated_at)
    SELECT lead.id, CAST(? AS integer), claim.id, 'active', CAST(? AS text), CAST(? AS text),
      CAST(? AS timestamptz), CAST(? AS timestamptz), CAST(? AS timestamptz) FROM lead, claim
    RETURNING id, lead_id),
  events AS (INSERT INTO request_events (event_id, request_id, source_id, type, operator_id,
      previous_operator_id, trigger, actor, request, created_at)
    SELECT e.event_id, r.id, CAST(? AS integer), e.type, e.operator_id, NULL, e.trigger, 'intake',
      '{"id":' || r.id || ',"lead_id":' || r.lead_id || CAST(? AS text), CAST(? AS timestamptz)
    FROM request r, (VALUES (1, CAST(? AS varchar), 'created', CAST(NULL AS integer), CAST(NULL AS varchar)),
      (2, CAST(? AS varchar), 'assigned', CAST(? AS integer), 'intake'))
      AS e (ord, event_id, type, operator_id, trigger)
    ORDER BY e.ord RETURNING id, event_id, type, source_id),
  deliveries AS (${deliveries})
SELECT r.id AS "requestId", r.lead_id AS "leadId", d.id, d."subscriptionId", d."eventId"
  FROM request r LEFT JOIN deliveries d ON true`;

/** The statement's row: the request, and one of its deliveries (null columns: none). */
interface WrittenRow {
  requestId: number | string;
  leadId: number | string;
  id: number | string | null;
  subscriptionId: number | string | null;
  eventId: string | null;
}

/**
 * PostgreSQL intake in two round trips: a read, then one statement that claims and writes (see
 * intakeStatement), with no BEGIN and COMMIT around it and no lock held between the two. A lost
 * claim chooses again from a fresh read. The intake goes the transactional way
 * (RequestLifecycleService.create, which holds its source's lock) when it may have to wait (nobody
 * eligible in the read), when its source keeps round-robin state (whose turn needs a lock), or
 * when its claims keep losing. An assigned intake needs no source lock: no wake-up is owed to a
 * request that does not wait.
 */
@Injectable()
export class PostgresIntake {
  /** READ_REUSE_MS; a test lengthens it to prove that the claim re-checks what a read saw. */
  readReuseMs = READ_REUSE_MS;
  private readonly writer?: Pool;
  private readonly reader?: Pool;
  /** Per source: its last read that may be reused (see READ_REUSE_MS), and when it was taken. */
  private readonly reads = new Map<
    number,
    { read: { source: SourceRules; configured: ConfiguredOperator[] }; at: number }
  >();

  constructor(
    @Inject(WRITER) writer: DataSource,
    reader: DataSource,
    private readonly distribution: DistributionService,
    private readonly outbox: WebhookOutbox,
    private readonly notifier: EventNotifier,
    private readonly metrics: MetricsService,
  ) {
    if (writer.options.type === 'postgres') {
      this.writer = (writer.driver as unknown as { master: Pool }).master;
      this.reader = (reader.driver as unknown as { master: Pool }).master;
    }
  }

  /** On PostgreSQL only: SQLite's one writer has no round trips to save. */
  get enabled(): boolean {
    return this.writer !== undefined;
  }

  /**
   * The intake assigned at once, or undefined when it must go the transactional way; 404 when
   * the source does not exist (nothing written).
   */
  async tryCreate(input: IntakeRequest): Promise<RequestView | undefined> {
    if (!this.writer || !this.reader) return undefined;
    const lost: number[] = [];
    let fresh = false;
    for (let pick = 0; pick < PICKS; pick++) {
      const { source, configured, stickyOperatorId, reused } = await this.read(input, fresh);
      if (this.distribution.isStateful(source)) return undefined;
      const choice = this.distribution.pick(source, configured, {
        trigger: 'intake',
        stickyOperatorId,
        lost,
      });
      fresh = true;
      if (!choice) {
        if (reused) continue;
        return undefined;
      }
      const view = await this.write(input, choice.assignment, JSON.stringify(choice.decision));
      if (view) return view;
      lost.push(choice.assignment.operatorId);
      this.reads.delete(input.sourceId);
    }
    return undefined;
  }

  /** The source's rules and operators: a read of the last READ_REUSE_MS where that is safe. */
  private async read(input: IntakeRequest, fresh: boolean) {
    const now = Date.now();
    const kept = fresh ? undefined : this.reads.get(input.sourceId);
    if (kept && now - kept.at < this.readReuseMs) {
      return { ...kept.read, stickyOperatorId: null, reused: true };
    }
    const rows = await queryPrepared<ReadRow>(this.reader!, READ, [
      input.leadExternalId,
      input.sourceId,
    ]);
    if (rows.length === 0) throw new NotFoundException(`source ${input.sourceId} not found`);
    const read = {
      source: { id: input.sourceId, strategy: rows[0].strategy, sticky: Boolean(rows[0].sticky) },
      configured: rows.filter((row) => row.operatorId !== null).map(toConfiguredOperator),
    };
    if (!read.source.sticky && this.distribution.choosesWithoutLoad(read.source)) {
      this.reads.set(input.sourceId, { read, at: now });
    } else {
      this.reads.delete(input.sourceId);
    }
    const sticky = rows[0].stickyOperatorId;
    return { ...read, stickyOperatorId: sticky === null ? null : Number(sticky), reused: false };
  }

  private async write(
    input: IntakeRequest,
    assignment: { operatorId: number; operatorName: string },
    decision: string,
  ): Promise<RequestView | undefined> {
    const at = new Date();
    const created = newEventId(at.getTime());
    const assigned = newEventId(at.getTime());
    // The response's JSON after its id and lead_id, which the statement puts in front.
    const template: RequestView = {
      id: 0,
      leadId: 0,
      sourceId: input.sourceId,
      operatorId: assignment.operatorId,
      operatorName: assignment.operatorName,
      status: 'active',
      message: input.message,
      createdAt: at,
      assignedAt: at,
      updatedAt: at,
    };
    const rest = JSON.stringify(toRequestResponse(template)).slice('{"id":0,"lead_id":0'.length);
    const deliveries = this.outbox.deliveriesStatement();
    let rows: WrittenRow[];
    try {
      rows = await queryPrepared<WrittenRow>(this.writer!, intakeStatement(deliveries.sql), [
        input.leadExternalId,
        input.leadName,
        input.leadEmail,
        input.leadPhone,
        at,
        assignment.operatorId,
        input.sourceId,
        input.sourceId,
        input.message,
        decision,
        at,
        at,
        at,
        input.sourceId,
        rest,
        at,
        created,
        assigned,
        assignment.operatorId,
        ...deliveries.params,
      ]);
    } catch (error) {
      // A deadlock or serialization failure ran none of the statement: choose again.
      if (isTransientConflict(error)) return undefined;
      throw error;
    }
    if (rows.length === 0) return undefined;

    const view: RequestView = {
      ...template,
      id: Number(rows[0].requestId),
      leadId: Number(rows[0].leadId),
    };
    const requestJson = `{"id":${view.id},"lead_id":${view.leadId}${rest}`;
    const events = (
      [
        [created, 'created', null, null],
        [assigned, 'assigned', assignment.operatorId, 'intake'],
      ] as const
    ).map(([eventId, type, operatorId, trigger]): Omit<RequestEventRecord, 'id'> => ({
      eventId,
      requestId: view.id,
      sourceId: view.sourceId,
      type,
      operatorId,
      previousOperatorId: null,
      trigger,
      actor: 'intake',
      request: toRequestResponse(view),
      createdAt: at,
    }));
    // The statement has committed: its effects run now, as a transaction's after its commit.
    const effects: Array<() => void> = [];
    const delivered = rows.filter((row) => row.id !== null) as InsertedDelivery[];
    this.outbox.afterStatement(
      { afterCommit: (effect) => effects.push(effect) },
      delivered,
      events,
      requestJson,
      deliveries.claim,
    );
    for (const effect of effects) effect();
    this.notifier.notify();
    this.metrics.recordIntake(view.sourceId, true);
    return view;
  }
}
