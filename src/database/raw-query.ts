import type { EntityManager } from 'typeorm';

const postgresText = new Map<string, string>();

function postgresPlaceholders(sql: string): string {
  let text = postgresText.get(sql);
  if (text === undefined) {
    let position = 0;
    text = sql.replace(/\?/g, () => `$${++position}`);
    postgresText.set(sql, text);
  }
  return text;
}

/** The UTC text TypeORM stores SQLite datetimes as ("2026-01-27 10:30:00.000"). */
function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Runs a hand-written statement on the hot path (POST /requests), where building it with the
 * query builder costs more CPU than executing it. Statements use `?` placeholders in order and
 * SQL both databases speak (ON CONFLICT, RETURNING); PostgreSQL gets $1..$n, SQLite gets dates as
 * TypeORM stores them. Statements that change rows end in RETURNING, so both return the rows.
 */
export async function rawQuery<T>(
  manager: EntityManager,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const postgres = manager.connection.options.type === 'postgres';
  const text = postgres ? postgresPlaceholders(sql) : sql;
  const values = postgres
    ? params
    : params.map((p) => (p instanceof Date ? sqliteTimestamp(p) : p));
  // The transaction's runner when there is one; structured results give the rows on both drivers.
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(text, values, true);
    return (result.records ?? []) as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
