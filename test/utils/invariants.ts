import { isOnShift } from '../../src/shifts/schedule';
import { parseSchedule } from '../../src/shifts/schedule-column';
import { replay } from '../../src/events/replay';
import { DataSource } from 'typeorm';

export interface OperatorLoad {
  id: number;
  max_load: number;
  current_load: number;
  active_requests: number;
}

/** Each operator's stored load next to the count of its active requests, read from the database. */
export async function operatorLoads(dataSource: DataSource): Promise<OperatorLoad[]> {
  const rows: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT o.id, o.max_load, o.current_load,
            (SELECT COUNT(*) FROM requests r WHERE r.operator_id = o.id AND r.status = 'active') AS active_requests
       FROM operators o ORDER BY o.id`,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    max_load: Number(row.max_load),
    current_load: Number(row.current_load),
    active_requests: Number(row.active_requests),
  }));
}

/** Invariants 1 and the load bookkeeping: nobody past max_load, load = active requests. */
export async function expectLoadInvariants(dataSource: DataSource): Promise<OperatorLoad[]> {
  const loads = await operatorLoads(dataSource);
  for (const load of loads) {
    expect({ id: load.id, over: load.active_requests > load.max_load }).toEqual({
      id: load.id,
      over: false,
    });
    expect({ id: load.id, load: load.current_load }).toEqual({
      id: load.id,
      load: load.active_requests,
    });
  }
  return loads;
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

/**
 * Invariant 5: once nothing is in flight, no waiting request has an operator configured for its
 * source (weight > 0), active, available, on shift, with room. Returns the offending request ids.
 */
export async function waitingWithRoom(dataSource: DataSource): Promise<number[]> {
  const rows: Array<{ id: unknown; schedule: unknown }> = await dataSource.query(
    `SELECT DISTINCT r.id, o.schedule FROM requests r
       JOIN operator_source_weights w ON w.source_id = r.source_id AND w.weight > 0
       JOIN operators o ON o.id = w.operator_id
      WHERE r.status = 'active' AND r.operator_id IS NULL
        AND o.is_active = TRUE AND o.presence = 'available' AND o.current_load < o.max_load
      ORDER BY r.id`,
  );
  // On shift depends on the time: evaluated here, as eligibility does.
  const now = new Date();
  const ids = rows
    .filter((row) => isOnShift(parseSchedule(row.schedule), now))
    .map((row) => Number(row.id));
  return [...new Set(ids)];
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

/** Invariants 1, 5 and 7 at a quiescent point. */
export async function expectQuiescentInvariants(dataSource: DataSource): Promise<void> {
  await expectLoadInvariants(dataSource);
  expect(await waitingWithRoom(dataSource)).toEqual([]);
  expect(await historyMismatches(dataSource)).toEqual([]);
}
