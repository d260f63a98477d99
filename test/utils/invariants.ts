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
