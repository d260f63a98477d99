import type { Database } from 'better-sqlite3';
import type { EntityManager } from 'typeorm';
import { postgresPlaceholders, SqliteStatements, type Tx } from './tx';

/** One statement cache per SQLite connection (a reopened data source has a new one). */
const sqliteStatements = new WeakMap<Database, SqliteStatements>();

/**
 * Hand-written statements (`?` placeholders, as in Tx.query) on a manager outside a
 * transaction: the reader connection, for reads that share SQL with the write path. On SQLite
 * they run as cached prepared statements on the connection itself: TypeORM's query() costs
 * more than a short read (the webhook dispatcher reads on every pass).
 */
export function readerQuery(manager: EntityManager): Pick<Tx, 'query'> {
  const dataSource = manager.connection;
  if (dataSource.options.type === 'better-sqlite3') {
    const db = (dataSource.driver as unknown as { databaseConnection: Database })
      .databaseConnection;
    let statements = sqliteStatements.get(db);
    if (statements === undefined) {
      statements = new SqliteStatements(db);
      sqliteStatements.set(db, statements);
    }
    const cached = statements;
    return {
      // async: a failing statement becomes a rejected promise, as through TypeORM.
      // eslint-disable-next-line @typescript-eslint/require-await
      query: async <T>(sql: string, params: readonly unknown[] = []) => cached.run<T>(sql, params),
    };
  }
  return {
    query: <T>(sql: string, params: readonly unknown[] = []): Promise<T[]> =>
      manager.query<T[]>(postgresPlaceholders(sql), [...params]),
  };
}
