import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { isTransientConflict } from './database-errors';
import { WRITER } from './database.constants';
import { PostgresTx, SqliteStatements, SqliteTx, type Tx } from './tx';

const MAX_ATTEMPTS = 5;

/** A transaction was opened inside another one: a defect, never a wait or a second connection. */
export class NestedTransactionError extends Error {
  constructor() {
    super('TransactionRunner.run was called inside an open transaction: pass the Tx down instead');
  }
}

/**
 * The one way the service opens a write transaction; only use cases (controller-facing methods,
 * background loops) call it, and everything below takes the `Tx` it hands out.
 *
 * SQLite: the writer connection is separate from the one reads use (see DatabaseModule), and
 * its transactions are queued first in first out, so one never interleaves with another and no
 * read sees uncommitted rows.
 *
 * PostgreSQL: each transaction has its own pooled connection; correctness comes from the
 * database (conditional updates, unique keys, row locks). A deadlock or serialization failure is
 * retried with a fresh Tx, so effects registered by a failed attempt are dropped.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly open = new AsyncLocalStorage<Tx>();
  private queueTail: Promise<unknown> = Promise.resolve();
  private readonly sqlite?: SqliteStatements;

  constructor(@Inject(WRITER) private readonly writer: DataSource) {
    if (writer.options.type === 'better-sqlite3') {
      const db = (writer.driver as unknown as { databaseConnection: Database }).databaseConnection;
      this.sqlite = new SqliteStatements(db);
    }
  }

  /** True while the caller runs inside a transaction opened here. */
  get inTransaction(): boolean {
    return this.open.getStore() !== undefined;
  }

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.inTransaction) return Promise.reject(new NestedTransactionError());
    if (this.sqlite) {
      const result = this.queueTail.then(() => this.attempt(work));
      this.queueTail = result.catch(() => undefined);
      return result;
    }
    return this.runWithRetry(work);
  }

  private async runWithRetry<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(work);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isTransientConflict(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }

  private async attempt<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    let tx!: SqliteTx | PostgresTx;
    const result = await this.writer.transaction((manager) => {
      tx = this.sqlite ? new SqliteTx(manager, this.sqlite) : new PostgresTx(manager);
      return this.open.run(tx, () => work(tx));
    });
    for (const effect of tx.effects) {
      try {
        effect();
      } catch (error) {
        this.logger.error(`after-commit effect failed: ${String(error)}`);
      }
    }
    return result;
  }
}
