import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { WRITER } from '../../database/database.constants';
import { queryPrepared } from '../../database/tx';
import { HAS_ROOM } from '../../operators/operators.repository';
import { SOURCE_RULES_COLUMNS } from '../../sources/source-rules';

// What a choice needs, in one read taken before any lock: the source's rules, its operators
// with their loads and weights, and on a sticky source the lead's last operator there. Stale
// values are fine: the claim re-checks capacity and activity.
const READ = `SELECT ${SOURCE_RULES_COLUMNS},
    CASE WHEN s.sticky THEN (SELECT r.operator_id FROM requests r JOIN leads l ON l.id = r.lead_id
      WHERE l.external_id = ? AND r.source_id = s.id AND r.operator_id IS NOT NULL
      ORDER BY r.id DESC LIMIT 1) END AS "stickyOperatorId",
    o.id AS "operatorId", o.name AS "operatorName", o.is_active AS "isActive",
    o.current_load AS "currentLoad", o.offered_load AS "offeredLoad", o.max_load AS "maxLoad", w.weight, o.skills, o.presence,
    o.schedule, o.next_shift_change_at AS "nextShiftChangeAt"
  FROM sources s LEFT JOIN operator_source_weights w ON w.source_id = s.id
    LEFT JOIN operators o ON o.id = w.operator_id
  WHERE s.id = ? ORDER BY o.id`;

/** The source's columns, on every row; then one operator per row (null: none configured). */
export type ReadRow = Record<string, unknown> & {
  stickyOperatorId: number | null;
  operatorId: number | null;
};

// A blank contact field of an existing lead is filled from the request; others are kept.
const fill = (column: string) =>
  `${column} = CASE WHEN COALESCE(TRIM(leads.${column}), '') = ''
    AND COALESCE(TRIM(EXCLUDED.${column}), '') <> '' THEN EXCLUDED.${column} ELSE leads.${column} END`;

const LEAD = `lead AS (
    INSERT INTO leads (external_id, name, email, phone, created_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (external_id) DO UPDATE SET ${fill('name')}, ${fill('email')}, ${fill('phone')}
    RETURNING id)`;

// The capacity claim of `load` (current_load: an assignment, offered_load: an offer). The shift
// is re-checked without evaluating the schedule: on shift as the read's instant saw it, and no
// change of it stored (a new schedule) or due (a shift that started or ended) since.
const claim = (load: 'current_load' | 'offered_load') => `UPDATE operators SET ${load} = ${load} + 1
    WHERE id = ? AND ${HAS_ROOM} AND is_active AND presence = 'available' AND EXISTS (SELECT 1
      FROM operator_source_weights w WHERE w.source_id = ? AND w.operator_id = operators.id
        AND w.weight > 0)
      AND next_shift_change_at IS NOT DISTINCT FROM CAST(? AS timestamptz)
      AND (next_shift_change_at IS NULL OR next_shift_change_at > CAST(? AS timestamptz))
    RETURNING id`;

/**
 * Everything an assigned intake writes, as one statement and so one implicit transaction: the
 * lead upsert, the capacity claim (the one conditional UPDATE, which also re-checks the weight and
 * presence the read saw, so an operator taken off the source or gone away meanwhile is not
 * chosen), the request, its two
 * events and
 * their webhook deliveries. When the claim matches nothing (another intake took the last unit),
 * the request and its events are not written and no row comes back; the lead is, as a retry
 * would write it anyway. The request's JSON in the events is spliced around its new id.
 */
const intakeStatement = (deliveries: string) => `WITH ${LEAD},
  claim AS (${claim('current_load')}),
  request AS (INSERT INTO requests
      (lead_id, source_id, operator_id, status, message, decision, created_at, assigned_at, updated_at,
        priority, first_assigned_at)
    SELECT lead.id, CAST(? AS integer), claim.id, 'active', CAST(? AS text), CAST(? AS text),
      CAST(? AS timestamptz), CAST(? AS timestamptz), CAST(? AS timestamptz), CAST(? AS integer),
      CAST(? AS timestamptz)
    FROM lead, claim
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

/**
 * intakeStatement on an offer source: the claim is of offered_load, the request has nobody and
 * carries its pending offer, the offer row is written beside it, and the events are `created`
 * and `offered` (as RequestLifecycleService.create and offer write them). The offer's id is
 * taken from its sequence in the request's insert, so both rows refer to each other in one
 * statement (offers.request_id is checked at the statement's end). The request's JSON is spliced
 * around its id and its pending offer's id.
 */
const offerIntakeStatement = (deliveries: string) => `WITH ${LEAD},
  claim AS (${claim('offered_load')}),
  request AS (INSERT INTO requests
      (lead_id, source_id, operator_id, status, message, decision, created_at, assigned_at, updated_at,
        priority, pending_offer_id, pending_offer_operator_id, pending_offer_expires_at)
    SELECT lead.id, CAST(? AS integer), NULL, 'active', CAST(? AS text), CAST(? AS text),
      CAST(? AS timestamptz), NULL, CAST(? AS timestamptz), CAST(? AS integer),
      nextval(pg_get_serial_sequence('offers', 'id')), claim.id, CAST(? AS timestamptz)
    FROM lead, claim
    RETURNING id, lead_id, pending_offer_id, pending_offer_operator_id, pending_offer_expires_at),
  offer AS (INSERT INTO offers (id, request_id, operator_id, status, created_at, expires_at, excluding)
    SELECT r.pending_offer_id, r.id, r.pending_offer_operator_id, 'pending', CAST(? AS timestamptz),
      r.pending_offer_expires_at, false
    FROM request r),
  events AS (INSERT INTO request_events (event_id, request_id, source_id, type, operator_id,
      previous_operator_id, trigger, actor, request, created_at)
    SELECT e.event_id, r.id, CAST(? AS integer), e.type, e.operator_id, NULL, e.trigger, 'intake',
      '{"id":' || r.id || ',"lead_id":' || r.lead_id || CAST(? AS text) || r.pending_offer_id
        || CAST(? AS text), CAST(? AS timestamptz)
    FROM request r, (VALUES (1, CAST(? AS varchar), 'created', CAST(NULL AS integer), CAST(NULL AS varchar)),
      (2, CAST(? AS varchar), 'offered', CAST(? AS integer), 'intake'))
      AS e (ord, event_id, type, operator_id, trigger)
    ORDER BY e.ord RETURNING id, event_id, type, source_id),
  deliveries AS (${deliveries})
SELECT r.id AS "requestId", r.lead_id AS "leadId", r.pending_offer_id AS "offerId", d.id,
    d."subscriptionId", d."eventId"
  FROM request r LEFT JOIN deliveries d ON true`;

/** The statement's row: the request, and one of its deliveries (null columns: none). */
export interface WrittenRow {
  requestId: number | string;
  leadId: number | string;
  /** offerIntakeStatement only: the offer's id. */
  offerId?: number | string;
  id: number | string | null;
  subscriptionId: number | string | null;
  eventId: string | null;
}

/** The values of intakeStatement, in the order of its placeholders (before the deliveries'). */
export interface IntakeValues {
  leadExternalId: string;
  leadName: string | null;
  leadEmail: string | null;
  leadPhone: string | null;
  sourceId: number;
  operatorId: number;
  /** The chosen operator's next_shift_change_at as the read saw it (the claim compares it). */
  shiftChangeAt: Date | null;
  message: string | null;
  decision: string;
  at: Date;
  priority: number;
  /** The request's JSON after its id and lead_id (see intakeStatement). */
  requestJsonRest: string;
  createdEventId: string;
  /** The `assigned` event, or on an offer the `offered` one. */
  assignedEventId: string;
  /**
   * An offer source (offerIntakeStatement): the offer's expiry, and the request's JSON after its
   * pending offer's id (requestJsonRest then ends just before that id).
   */
  offer?: { expiresAt: Date; requestJsonTail: string };
}

/**
 * PostgreSQL intake's two statements (PostgresIntake): one read on the reader pool, and one
 * statement on the writer pool that writes leads, operators' load, requests (and on an offer
 * source its offer), request events and webhook deliveries together, as its own implicit
 * transaction. One repository for several
 * tables because the single statement is the point (docs/architecture.md).
 */
@Injectable()
export class PostgresIntakeRepository {
  private readonly writer?: Pool;
  private readonly reader?: Pool;

  constructor(@Inject(WRITER) writer: DataSource, reader: DataSource) {
    if (writer.options.type === 'postgres') {
      this.writer = (writer.driver as unknown as { master: Pool }).master;
      this.reader = (reader.driver as unknown as { master: Pool }).master;
    }
  }

  /** On PostgreSQL only. */
  get enabled(): boolean {
    return this.writer !== undefined;
  }

  /** The source's rules on every row, then one configured operator per row; none: no source. */
  read(leadExternalId: string, sourceId: number): Promise<ReadRow[]> {
    return queryPrepared<ReadRow>(this.reader!, READ, [leadExternalId, sourceId]);
  }

  /** Runs intakeStatement (offerIntakeStatement with `offer`); no row when the claim lost. */
  write(
    values: IntakeValues,
    deliveries: { sql: string; params: readonly unknown[] },
  ): Promise<WrittenRow[]> {
    const v = values;
    // The lead, the claim and the request's first columns: the same placeholders in both.
    const head = [
      v.leadExternalId,
      v.leadName,
      v.leadEmail,
      v.leadPhone,
      v.at,
      v.operatorId,
      v.sourceId,
      v.shiftChangeAt,
      v.at,
      v.sourceId,
      v.message,
      v.decision,
      v.at,
    ];
    if (v.offer) {
      return queryPrepared<WrittenRow>(this.writer!, offerIntakeStatement(deliveries.sql), [
        ...head,
        v.at,
        v.priority,
        v.offer.expiresAt,
        v.at,
        v.sourceId,
        v.requestJsonRest,
        v.offer.requestJsonTail,
        v.at,
        v.createdEventId,
        v.assignedEventId,
        v.operatorId,
        ...deliveries.params,
      ]);
    }
    return queryPrepared<WrittenRow>(this.writer!, intakeStatement(deliveries.sql), [
      ...head,
      v.at,
      v.at,
      v.priority,
      v.at,
      v.sourceId,
      v.requestJsonRest,
      v.at,
      v.createdEventId,
      v.assignedEventId,
      v.operatorId,
      ...deliveries.params,
    ]);
  }
}
