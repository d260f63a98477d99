import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

interface SqliteConnection {
  prepare(sql: string): { get(): unknown };
}
const sqlitePings = new WeakMap<SqliteConnection, { get(): unknown }>();

/** The better-sqlite3 handle under TypeORM, while the data source is up. */
function sqliteConnection(dataSource: DataSource): SqliteConnection | undefined {
  if (dataSource.options?.type !== 'better-sqlite3' || !dataSource.isInitialized) return undefined;
  return (dataSource.driver as unknown as { databaseConnection?: SqliteConnection })
    .databaseConnection;
}

/**
 * true when the database answers `SELECT 1` within `timeoutMs`. On SQLite the statement is prepared
 * once and run synchronously on the driver's handle (it touches no table, so no lock can hold it
 * up); on PostgreSQL it goes through the pool, raced against the time limit.
 */
export async function pingWithin(dataSource: DataSource, timeoutMs: number): Promise<boolean> {
  const sqlite = sqliteConnection(dataSource);
  if (sqlite) {
    try {
      let statement = sqlitePings.get(sqlite);
      if (!statement) {
        statement = sqlite.prepare('SELECT 1');
        sqlitePings.set(sqlite, statement);
      }
      statement.get();
      return true;
    } catch {
      return false; // closed
    }
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const ping = dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    return await Promise.race([ping, timeout]);
  } catch {
    return false; // not initialised, or destroyed
  } finally {
    clearTimeout(timer);
  }
}

/** The database itself, for health checks: no table is read. */
@Injectable()
export class DatabaseHealthRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** true when the database answers within `timeoutMs` (see `pingWithin`). */
  ping(timeoutMs: number): Promise<boolean> {
    return pingWithin(this.dataSource, timeoutMs);
  }
}
