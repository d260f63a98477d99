import { isOnShift } from '../../src/shifts/schedule';
import { parseSchedule } from '../../src/shifts/schedule-column';
import { replay } from '../../src/events/replay';
import { parseDbTimestamp } from '../../src/database/timestamps';
import { DataSource } from 'typeorm';

export interface OperatorLoad {
  id: number;
  max_load: number;
  current_load: number;
  active_requests: number;
  offered_load: number;
  pending_offers: number;
}

/** Each operator's stored load next to the count of its active requests, read from the database. */
export async function operatorLoads(dataSource: DataSource): Promise<OperatorLoad[]> {
  const rows: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT o.id, o.max_load, o.current_load, o.offered_load,
            (SELECT COUNT(*) FROM requests r WHERE r.operator_id = o.id AND r.status = 'active') AS active_requests,
            (SELECT COUNT(*) FROM offers f WHERE f.operator_id = o.id AND f.status = 'pending') AS pending_offers
       FROM operators o ORDER BY o.id`,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    max_load: Number(row.max_load),
    current_load: Number(row.current_load),
    active_requests: Number(row.active_requests),
    offered_load: Number(row.offered_load),
    pending_offers: Number(row.pending_offers),
  }));
}

/**
 * Invariant 1 and the load bookkeeping: nobody past max_load with its pending offers counted,
 * load = active requests, offered load = pending offers.
 */
export async function expectLoadInvariants(dataSource: DataSource): Promise<OperatorLoad[]> {
  const loads = await operatorLoads(dataSource);
  for (const load of loads) {
    expect({
      id: load.id,
      over: load.active_requests + load.pending_offers > load.max_load,
    }).toEqual({ id: load.id, over: false });
    expect({ id: load.id, load: load.current_load, offered: load.offered_load }).toEqual({
      id: load.id,
      load: load.active_requests,
      offered: load.pending_offers,
    });
  }
  return loads;
}

/**
 * Invariant 9's bookkeeping: a request has at most one pending offer, and it is the one the
 * request row names (and only an active request without an operator has one). Returns offenders.
 */
export async function offerMismatches(dataSource: DataSource): Promise<unknown[]> {
  const rows: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT r.id, r.status, r.operator_id AS "operatorId", r.pending_offer_id AS "pendingOfferId",
            r.pending_offer_operator_id AS "offeredTo",
            (SELECT COUNT(*) FROM offers f WHERE f.request_id = r.id AND f.status = 'pending') AS pending,
            (SELECT MIN(f.id) FROM offers f WHERE f.request_id = r.id AND f.status = 'pending') AS "offerId",
            (SELECT MIN(f.operator_id) FROM offers f WHERE f.request_id = r.id AND f.status = 'pending') AS "offerOperator"
       FROM requests r ORDER BY r.id`,
  );
  const num = (v: unknown) => (v === null ? null : Number(v));
  return rows
    .map((row) => ({
      id: Number(row.id),
      pending: Number(row.pending),
      named: num(row.pendingOfferId),
      offerId: num(row.offerId),
      offeredTo: num(row.offeredTo),
      offerOperator: num(row.offerOperator),
      status: row.status,
      operatorId: num(row.operatorId),
    }))
    .filter(
      (r) =>
        r.pending > 1 ||
        r.named !== r.offerId ||
        r.offeredTo !== r.offerOperator ||
        (r.pending === 1 && (r.status !== 'active' || r.operatorId !== null)),
    );
}

export async function countRows(
  dataSource: DataSource,
  table: string,
  where = '1 = 1',
): Promise<number> {
  const [row] = await dataSource.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`);
  return Number((row as { n: unknown }).n);
}

export async function rowCounts(dataSource: DataSource): Promise<Record<string, number>> {
  const tables = ['operators', 'sources', 'operator_source_weights', 'leads', 'requests'];
  const counts = await Promise.all(tables.map((t) => countRows(dataSource, t)));
  return Object.fromEntries(tables.map((t, i) => [t, counts[i]]));
}

/** A stored skills column (a JSON list; PostgreSQL may hand back the parsed list) as a list. */
function skillList(stored: unknown): string[] {
  if (Array.isArray(stored)) return stored as string[];
  return typeof stored === 'string' && stored !== '' ? (JSON.parse(stored) as string[]) : [];
}

/** The skills of `required` that `has` lacks (kept apart from the code under test on purpose). */
function lacking(has: readonly string[], required: readonly string[]): string[] {
  return required.filter((skill) => !has.includes(skill));
}

/**
 * Invariant 5: once nothing is in flight, no waiting request has an operator configured for its
 * source (weight > 0), active, available, on shift, with room, and with the request's skills
 * unless it is relaxed. Returns the offending request ids.
 */
export async function waitingWithRoom(dataSource: DataSource): Promise<number[]> {
  const rows: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT r.id, r.skills, r.skills_relaxed AS relaxed, o.skills AS "operatorSkills", o.schedule
       FROM requests r
       JOIN operator_source_weights w ON w.source_id = r.source_id AND w.weight > 0
       JOIN operators o ON o.id = w.operator_id
      WHERE r.status = 'active' AND r.operator_id IS NULL AND r.pending_offer_id IS NULL
        AND o.is_active = TRUE AND o.presence = 'available'
        AND o.current_load + o.offered_load < o.max_load
      ORDER BY r.id`,
  );
  const ids = rows
    .filter(
      (row) =>
        isOnShift(parseSchedule(row.schedule), new Date()) &&
        (Boolean(row.relaxed) ||
          lacking(skillList(row.operatorSkills), skillList(row.skills)).length === 0),
    )
    .map((row) => Number(row.id));
  return [...new Set(ids)];
}

/**
 * Invariant 10 at rest: active requests held by an operator lacking one of their skills, other
 * than relaxed ones and those a person assigned (decision trigger `manual`).
 */
export async function assignedWithoutSkills(dataSource: DataSource): Promise<unknown[]> {
  const rows: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT r.id, r.operator_id AS "operatorId", r.skills, r.skills_relaxed AS relaxed,
            r.decision, o.skills AS "operatorSkills"
       FROM requests r JOIN operators o ON o.id = r.operator_id
      WHERE r.status = 'active' ORDER BY r.id`,
  );
  return rows
    .map((row) => ({
      id: Number(row.id),
      operatorId: Number(row.operatorId),
      missing: lacking(skillList(row.operatorSkills), skillList(row.skills)),
      relaxed: Boolean(row.relaxed),
      trigger:
        typeof row.decision === 'string'
          ? (JSON.parse(row.decision) as { trigger?: string }).trigger
          : null,
    }))
    .filter((r) => r.missing.length > 0 && !r.relaxed && r.trigger !== 'manual');
}

/** Invariant 7's history half: every request's events replay to its stored state. */
export async function historyMismatches(dataSource: DataSource): Promise<unknown[]> {
  const requests: Array<Record<string, unknown>> = await dataSource.query(
    'SELECT id, status, operator_id FROM requests ORDER BY id',
  );
  const events: Array<Record<string, unknown>> = await dataSource.query(
    'SELECT request_id, type, operator_id FROM request_events ORDER BY id',
  );
  const byRequest = new Map<number, Array<{ type: never; operatorId: number | null }>>();
  for (const event of events) {
    const id = Number(event.request_id);
    const list = byRequest.get(id) ?? [];
    list.push({
      type: event.type as never,
      operatorId: event.operator_id === null ? null : Number(event.operator_id),
    });
    byRequest.set(id, list);
  }
  const mismatches: unknown[] = [];
  for (const request of requests) {
    const id = Number(request.id);
    const stored = {
      status: request.status,
      operatorId: request.operator_id === null ? null : Number(request.operator_id),
    };
    const replayed = replay(byRequest.get(id) ?? []);
    if (JSON.stringify(replayed) !== JSON.stringify(stored)) {
      mismatches.push({ id, stored, replayed });
    }
  }
  return mismatches;
}

/**
 * The facts each request row keeps for service levels against what its history says: its first
 * `assigned` and first `closed` events, and its offers' outcomes. Returns the offenders.
 */
export async function factMismatches(dataSource: DataSource): Promise<unknown[]> {
  const rows: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT r.id, r.first_assigned_at AS "firstAssignedAt", r.first_closed_at AS "firstClosedAt",
            r.offers_accepted AS "offersAccepted", r.offers_declined AS "offersDeclined",
            r.offers_expired AS "offersExpired",
            (SELECT MIN(e.created_at) FROM request_events e
              WHERE e.request_id = r.id AND e.type = 'assigned') AS "assignedEvent",
            (SELECT MIN(e.created_at) FROM request_events e
              WHERE e.request_id = r.id AND e.type = 'closed') AS "closedEvent",
            (SELECT COUNT(*) FROM offers f WHERE f.request_id = r.id AND f.status = 'accepted') AS accepted,
            (SELECT COUNT(*) FROM offers f WHERE f.request_id = r.id AND f.status = 'declined') AS declined,
            (SELECT COUNT(*) FROM offers f WHERE f.request_id = r.id AND f.status = 'expired') AS expired
       FROM requests r ORDER BY r.id`,
  );
  const time = (v: unknown) =>
    v === null ? null : parseDbTimestamp(v as Date | string).toISOString();
  return rows
    .map((row) => ({
      id: Number(row.id),
      stored: [
        time(row.firstAssignedAt),
        time(row.firstClosedAt),
        Number(row.offersAccepted),
        Number(row.offersDeclined),
        Number(row.offersExpired),
      ],
      history: [
        time(row.assignedEvent),
        time(row.closedEvent),
        Number(row.accepted),
        Number(row.declined),
        Number(row.expired),
      ],
    }))
    .filter((r) => JSON.stringify(r.stored) !== JSON.stringify(r.history));
}

/** Invariants 1, 5, 7 and 10 at a quiescent point, and the facts service levels read. */
export async function expectQuiescentInvariants(dataSource: DataSource): Promise<void> {
  await expectLoadInvariants(dataSource);
  expect(await waitingWithRoom(dataSource)).toEqual([]);
  expect(await assignedWithoutSkills(dataSource)).toEqual([]);
  expect(await historyMismatches(dataSource)).toEqual([]);
  expect(await offerMismatches(dataSource)).toEqual([]);
  expect(await factMismatches(dataSource)).toEqual([]);
}

/**
 * Invariant 6 from the history: a drain assigned request A to operator O at instant t while an
 * more urgent (or as urgent and older) request W that O could take was waiting: W's wait began
 * before t and ended after it, by a drain or not yet. "Could take": O is configured for W's source with weight > 0 and holds W's skills
 * among `skillsThroughout` (skills the operator had the whole time). Effective priorities are
 * compared with W's taken `slackMs` earlier, since the drain ranked a moment before it recorded
 * t; aging only raises them, so a reported pair is an inversion whatever that moment was.
 */
export async function queueOrderInversions(
  dataSource: DataSource,
  skillsThroughout: ReadonlyMap<number, readonly string[]>,
  slackMs: number,
): Promise<unknown[]> {
  const requests: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT r.id, r.source_id AS "sourceId", r.skills, r.priority, r.created_at AS "createdAt",
            s.priority_aging_per_minute AS aging
       FROM requests r JOIN sources s ON s.id = r.source_id`,
  );
  const events: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT request_id AS "requestId", type, operator_id AS "operatorId", trigger,
            created_at AS "createdAt"
       FROM request_events ORDER BY id`,
  );
  const weights: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT source_id AS "sourceId", operator_id AS "operatorId" FROM operator_source_weights
      WHERE weight > 0`,
  );
  const serves = new Set(weights.map((w) => `${Number(w.operatorId)}:${Number(w.sourceId)}`));
  const byId = new Map(
    requests.map((r) => {
      const id = Number(r.id);
      return [
        id,
        {
          id,
          sourceId: Number(r.sourceId),
          skills: skillList(r.skills),
          priority: Number(r.priority),
          aging: Number(r.aging),
          createdAt: parseDbTimestamp(r.createdAt as Date | string).getTime(),
        },
      ];
    }),
  );
  type Queued = NonNullable<ReturnType<typeof byId.get>>;
  const effective = (r: Queued, at: number) =>
    Math.min(100, r.priority + Math.floor((Math.max(0, at - r.createdAt) / 60_000) * r.aging));

  // Each wait: from a `waiting` event to the drain that assigned it (open while it still waits).
  // A wait that ended otherwise (closed, assigned by a person) or was relaxed is left out: those
  // lock the waiting row, which a drain then skips, so its timing says nothing about the order.
  const waits: Array<{ request: Queued; from: number; to: number }> = [];
  const open = new Map<number, number>();
  const drains: Array<{ request: Queued; operatorId: number; at: number }> = [];
  for (const event of events) {
    const id = Number(event.requestId);
    const at = parseDbTimestamp(event.createdAt as Date | string).getTime();
    const drained = event.type === 'assigned' && event.trigger === 'drain';
    const began = open.get(id);
    open.delete(id);
    if (began !== undefined && drained) waits.push({ request: byId.get(id)!, from: began, to: at });
    if (event.type === 'waiting') open.set(id, at);
    if (drained) drains.push({ request: byId.get(id)!, operatorId: Number(event.operatorId), at });
  }
  for (const [id, from] of open) waits.push({ request: byId.get(id)!, from, to: Infinity });

  const inversions: unknown[] = [];
  for (const drain of drains) {
    const taken = effective(drain.request, drain.at);
    const skills = skillsThroughout.get(drain.operatorId) ?? [];
    for (const wait of waits) {
      const w = wait.request;
      if (w.id === drain.request.id || !(wait.from < drain.at && drain.at < wait.to)) continue;
      if (!serves.has(`${drain.operatorId}:${w.sourceId}`)) continue;
      if (lacking(skills, w.skills).length > 0) continue;
      const passed = effective(w, drain.at - slackMs);
      const older = w.createdAt < drain.request.createdAt;
      if (passed > taken || (passed === taken && older)) {
        inversions.push({
          operator: drain.operatorId,
          assigned: { id: drain.request.id, effective: taken },
          passedOver: { id: w.id, effective: passed },
          at: new Date(drain.at).toISOString(),
        });
      }
    }
  }
  return inversions;
}
