import type { EntityManager } from 'typeorm';
import { postgresPlaceholders, sqliteTimestamp, type Tx } from './tx';

/**
 * Hand-written statements (`?` placeholders, as in Tx.query) on a manager outside a
 * transaction: the reader connection, for reads that share SQL with the write path.
 */
export function readerQuery(manager: EntityManager): Pick<Tx, 'query'> {
  const postgres = manager.connection.options.type === 'postgres';
  return {
    query: async <T>(sql: string, params: readonly unknown[] = []): Promise<T[]> => {
      const text = postgres ? postgresPlaceholders(sql) : sql;
      const values = params.map((p) => {
        if (postgres) return p;
        if (p instanceof Date) return sqliteTimestamp(p);
        return typeof p === 'boolean' ? Number(p) : p;
      });
      return manager.query<T[]>(text, values);
    },
  };
}
