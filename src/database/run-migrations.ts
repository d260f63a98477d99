import { DataSource, type Migration } from 'typeorm';

const appliedAtStart = new WeakMap<DataSource, string[]>();

/** The migrations this process applied when it started (empty when the schema was up to date). */
export function migrationsAppliedAtStart(dataSource: DataSource): string[] | undefined {
  return appliedAtStart.get(dataSource);
}

// Any constant shared by all instances; picks the advisory lock that serialises migrations.
export const MIGRATION_LOCK_KEY = 7_242_001;

/**
 * Applies pending migrations. On PostgreSQL a session advisory lock makes concurrent
 * instances take turns: one migrates, the others wait and then find nothing to do. The wait is
 * as long as the migration (a fill over a long history takes minutes), so it is not cut short by
 * DATABASE_STATEMENT_TIMEOUT_MS, which guards the requests.
 */
export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  const applied = await migrate(dataSource);
  appliedAtStart.set(
    dataSource,
    applied.map((migration) => migration.name),
  );
  return applied;
}

async function migrate(dataSource: DataSource): Promise<Migration[]> {
  if (dataSource.options.type !== 'postgres') {
    return dataSource.runMigrations({ transaction: 'all' });
  }
  const lockHolder = dataSource.createQueryRunner();
  try {
    await lockHolder.query('SET statement_timeout = 0');
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await lockHolder
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    // Back to the pool's timeout (set when the connection opened) before the pool reuses it.
    await lockHolder.query('RESET statement_timeout').catch(() => undefined);
    await lockHolder.release();
  }
}
