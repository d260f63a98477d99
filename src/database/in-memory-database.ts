import type { Database } from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { entities } from './database-options';
import { migrations } from './migrations';
import { SqliteStatements, SqliteTx, type Tx } from './tx';

/**
 * An in-memory SQLite database with the real schema, for unit tests of code that takes a `Tx`
 * (no Nest app, no files). `inTx` runs work as TransactionRunner does: one transaction, and the
 * after-commit effects only once it has committed.
 */
export async function openInMemoryDatabase(): Promise<{
  dataSource: DataSource;
  inTx: <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;
}> {
  const dataSource = await new DataSource({
    type: 'better-sqlite3',
    database: ':memory:',
    entities,
    migrations,
  }).initialize();
  await dataSource.runMigrations();
  const db = (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
  const statements = new SqliteStatements(db);
  const inTx = async <T>(work: (tx: Tx) => Promise<T>): Promise<T> => {
    let tx!: SqliteTx;
    const result = await dataSource.transaction((manager) => {
      tx = new SqliteTx(manager, statements);
      return work(tx);
    });
    tx.effects.forEach((effect) => effect());
    return result;
  };
  return { dataSource, inTx };
}
