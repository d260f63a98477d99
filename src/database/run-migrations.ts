import { DataSource } from 'typeorm';

// Any constant shared by all instances; picks the advisory lock that serialises migrations.
const MIGRATION_LOCK_KEY = 7_242_001;

/**
 * Applies pending migrations. On PostgreSQL a session advisory lock makes concurrent
 * instances take turns: one migrates, the others wait and then find nothing to do.
 */
export async function runMigrations(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await dataSource.runMigrations({ transaction: 'all' });
    return;
  }
  const lockHolder = dataSource.createQueryRunner();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await lockHolder
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await lockHolder.release();
  }
}
