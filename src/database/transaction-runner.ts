import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { DataSource, type QueryRunner } from 'typeorm';
import { isTransientConflict } from './database-errors';
import { WRITER } from './database.constants';
import { PostgresTx, SqliteStatements, SqliteTx, type Tx } from './tx';

const MAX_ATTEMPTS = 5;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

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
  private readonly sqlite?: {
    db: Database;
    statements: SqliteStatements;
    /** TypeORM's one query runner on the writer connection (the driver shares it). */
    runner: QueryRunner;
  };

  constructor(@Inject(WRITER) private readonly writer: DataSource) {
    if (writer.options.type === 'better-sqlite3') {
      const db = (writer.driver as unknown as { databaseConnection: Database }).databaseConnection;
      this.sqlite = {
        db,
        statements: new SqliteStatements(db),
        runner: writer.createQueryRunner(),
      };
    }
  }

  /** True while the caller runs inside a transaction opened here. */
  get inTransaction(): boolean {
    return this.open.getStore() !== undefined;
  }

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.inTransaction) return Promise.reject(new NestedTransactionError());
    if (this.sqlite) {
      // Each queued transaction starts in a new turn of the event loop: a burst of them never
      // holds up the I/O (new requests, responses) between them.
      const result = this.queueTail.then(nextTurn).then(() => this.attemptSqlite(work));
      this.queueTail = result.catch(() => undefined);
      return result;
    }
    return this.runWithRetry(work);
  }

  /**
   * SQLite: BEGIN and COMMIT as prepared statements on the writer connection (TypeORM's own
   * transaction wrapper costs more than the statements of a short transaction). TypeORM's runner
   * is told a transaction is open, so `tx.manager` joins it instead of starting one.
   */
  private async attemptSqlite<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const { db, statements, runner } = this.sqlite!;
    const tx = new SqliteTx(runner.manager, statements);
    const typeorm = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
    statements.run('BEGIN', []);
    typeorm.isTransactionActive = true;
    typeorm.transactionDepth = 1;
    let result: T;
    try {
      result = await this.open.run(tx, () => work(tx));
      statements.run('COMMIT', []);
    } catch (error) {
      if (db.inTransaction) statements.run('ROLLBACK', []);
      throw error;
    } finally {
      typeorm.isTransactionActive = false;
      typeorm.transactionDepth = 0;
    }
    this.runEffects(tx);
    return result;
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
    let tx!: PostgresTx;
    const result = await this.writer.transaction((manager) => {
      tx = new PostgresTx(manager);
      return this.open.run(tx, () => work(tx));
    });
    this.runEffects(tx);
    return result;
  }

  private runEffects(tx: SqliteTx | PostgresTx): void {
    for (const effect of tx.effects) {
      try {
        effect();
      } catch (error) {
        this.logger.error(`after-commit effect failed: ${String(error)}`);
      }
    }
  }
}
