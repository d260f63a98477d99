import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { DataSource, type QueryRunner } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { isTransientConflict } from './database-errors';
import { WRITER } from './database.constants';
import { PostgresTx, SqliteStatements, SqliteTx, type Tx } from './tx';

const MAX_ATTEMPTS = 5;

/**
 * SQLite group commit: the queued transactions of one batch share one BEGIN … COMMIT, each in
 * its own savepoint. A commit writes every page the transaction dirtied to the WAL, and the rows
 * of successive requests dirty the same pages (the last leaf of each table and index): one
 * commit per transaction was 40% of the hot path's database time. A batch ends when the queue
 * is empty, or at these limits, so the first transaction in a batch is never held for long.
 */
const BATCH_MAX_TRANSACTIONS = 64;
const BATCH_MAX_MS = 10;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A transaction was opened inside another one: a defect, never a wait or a second connection. */
export class NestedTransactionError extends Error {
  constructor() {
    super('TransactionRunner.run was called inside an open transaction: pass the Tx down instead');
  }
}

/** SQLite: a transaction ran past SQLITE_TRANSACTION_TIMEOUT_MS; it was rolled back. */
export class TransactionTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(
      `a transaction ran longer than ${timeoutMs} ms (SQLITE_TRANSACTION_TIMEOUT_MS) and was ` +
        'rolled back; a TransactionRunner.run inside another one waits on itself like this: ' +
        'pass the Tx down instead',
    );
  }
}

/** SQLite: the writer is still inside a transaction that ROLLBACK could not end. */
export class WriterStuckError extends Error {
  constructor(cause: unknown) {
    super(`the SQLite writer could not roll back a failed transaction: ${String(cause)}`, {
      cause,
    });
  }
}

interface QueuedTransaction {
  work: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Settled =
  | { job: QueuedTransaction; ok: true; value: unknown; tx: SqliteTx }
  | { job: QueuedTransaction; ok: false; error: unknown };

/**
 * The one way the service opens a write transaction; only use cases (controller-facing methods,
 * background loops) call it, and everything below takes the `Tx` it hands out.
 *
 * SQLite: the writer connection is separate from the one reads use (see DatabaseModule), and
 * its transactions are queued first in first out, so one never interleaves with another and no
 * read sees uncommitted rows. Queued transactions are committed in groups (see
 * BATCH_MAX_TRANSACTIONS): each is still all or nothing (its own savepoint), and none is
 * answered, nor are its after-commit effects run, before the group's COMMIT.
 *
 * PostgreSQL: each transaction has its own pooled connection; correctness comes from the
 * database (conditional updates, unique keys, row locks). A deadlock or serialization failure is
 * retried with a fresh Tx, so effects registered by a failed attempt are dropped.
 *
 * A nested run (a defect: the Tx must be passed down) is refused with NestedTransactionError
 * outside production. The check needs an AsyncLocalStorage, which on Node 20 turns on async hooks
 * for every promise of the process (about 3% of the hot path's CPU in a profile); production runs
 * without it. There, on SQLite, a watchdog ends it instead: a transaction still running after
 * SQLITE_TRANSACTION_TIMEOUT_MS (30 s) fails with TransactionTimeoutError and is rolled back to
 * its savepoint, and the queue goes on. One timer per burst of work checks the running job's
 * start time; a job costs a timestamp, not a timer.
 *
 * SQLite failure paths: when SQLite itself ended the whole transaction (a full disk), every job
 * of the group fails with that error and none of their effects runs. When ROLLBACK fails, it is
 * tried again at once and before the next group; while the writer stays inside the failed
 * transaction, writes fail with WriterStuckError and `writerFailure` says so (/health answers
 * 503), rather than every later write failing on "cannot start a transaction within a
 * transaction" behind a healthy /health.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly open?: AsyncLocalStorage<Tx>;
  private readonly queue: QueuedTransaction[] = [];
  private flushing = false;
  private readonly timeoutMs: number;
  /**
   * The SQLite job whose work is running now, for the watchdog. Its start is on the monotonic
   * clock: a wall clock set back (NTP, a test's fake Date) must not keep a stuck job running.
   */
  private running?: { since: number; fail: (error: Error) => void };
  /** Why the SQLite writer is stuck inside a transaction it could not roll back, while it is. */
  private stuck?: unknown;
  private readonly sqlite?: {
    db: Database;
    statements: SqliteStatements;
    /** TypeORM's one query runner on the writer connection (the driver shares it). */
    runner: QueryRunner;
  };

  constructor(
    @Inject(WRITER) private readonly writer: DataSource,
    @Optional() config?: AppConfig,
  ) {
    if (!config?.isProduction) this.open = new AsyncLocalStorage<Tx>();
    this.timeoutMs = config?.SQLITE_TRANSACTION_TIMEOUT_MS ?? 30_000;
    if (writer.options.type === 'better-sqlite3') {
      const db = (writer.driver as unknown as { databaseConnection: Database }).databaseConnection;
      this.sqlite = {
        db,
        statements: new SqliteStatements(db),
        runner: writer.createQueryRunner(),
      };
    }
  }

  /** True while the caller runs inside a transaction opened here (always false in production). */
  get inTransaction(): boolean {
    return this.open?.getStore() !== undefined;
  }

  /**
   * undefined while writes can run; otherwise why they cannot (SQLite: the writer is stuck in a
   * transaction it could not roll back). /health and /health/ready report the database down.
   */
  get writerFailure(): string | undefined {
    return this.stuck === undefined
      ? undefined
      : 'the writer connection is stuck in a transaction it could not roll back';
  }

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.inTransaction) return Promise.reject(new NestedTransactionError());
    if (this.sqlite) {
      return new Promise<T>((resolve, reject) => {
        this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (!this.flushing) {
          this.flushing = true;
          setImmediate(() => void this.flush());
        }
      });
    }
    return this.runWithRetry(work);
  }

  private within<T>(tx: Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.open ? this.open.run(tx, () => work(tx)) : work(tx);
  }

  /** Commits the queue in groups until it is empty. */
  private async flush(): Promise<void> {
    const watchdog = setInterval(
      () => this.endStuckJob(),
      Math.min(1000, Math.max(10, Math.floor(this.timeoutMs / 4))),
    );
    watchdog.unref();
    try {
      while (this.queue.length > 0) {
        await this.commitGroup();
        if (this.queue.length > 0) await nextTurn();
      }
    } catch (error) {
      // Not even BEGIN ran (the connection is closed, or stuck): nothing queued can run.
      for (const job of this.queue.splice(0)) job.reject(error);
    } finally {
      clearInterval(watchdog);
      this.flushing = false;
    }
  }

  /** The watchdog: fails the running job once it has run longer than the timeout. */
  private endStuckJob(): void {
    const running = this.running;
    if (running === undefined || performance.now() - running.since < this.timeoutMs) return;
    this.running = undefined;
    const error = new TransactionTimeoutError(this.timeoutMs);
    this.logger.error(error.message);
    running.fail(error);
  }

  /** The job's work, which the watchdog can fail (its promise cannot be cancelled, only left). */
  private watched(work: Promise<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.running = { since: performance.now(), fail: reject };
      work.then(resolve, reject);
    });
  }

  /**
   * ROLLBACK, tried twice; true when the writer is out of the transaction. When it is not, the
   * writer is stuck (writerFailure) until a later try succeeds (before the next group).
   */
  private rollBack(): boolean {
    const { db, statements } = this.sqlite!;
    for (let attempt = 1; attempt <= 2 && db.inTransaction; attempt++) {
      try {
        statements.run('ROLLBACK', []);
      } catch (error) {
        this.logger.error(`rollback failed (attempt ${attempt}): ${String(error)}`);
        this.stuck = error;
      }
    }
    if (db.inTransaction) return false;
    this.stuck = undefined;
    return true;
  }

  /**
   * SQLite: BEGIN, SAVEPOINT and COMMIT as prepared statements on the writer connection
   * (TypeORM's own transaction wrapper costs more than the statements of a short transaction).
   * TypeORM's runner is told a transaction is open, so `tx.manager` joins it instead of starting
   * one. Between two transactions of a group the event loop takes a turn, as between groups, so
   * a burst never holds up I/O (new requests, responses).
   */
  private async commitGroup(): Promise<void> {
    const { db, statements, runner } = this.sqlite!;
    const typeorm = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
    const settled: Settled[] = [];
    const started = Date.now();
    // A transaction an earlier ROLLBACK could not end: end it first, or fail the queue.
    if (db.inTransaction && !this.rollBack()) throw new WriterStuckError(this.stuck);
    statements.run('BEGIN', []);
    typeorm.isTransactionActive = true;
    typeorm.transactionDepth = 1;
    try {
      for (let n = 0; n < BATCH_MAX_TRANSACTIONS && this.queue.length > 0; n++) {
        if (n > 0) {
          if (Date.now() - started >= BATCH_MAX_MS) break;
          await nextTurn();
          if (this.queue.length === 0) break;
        }
        const job = this.queue.shift()!;
        let tx: SqliteTx | undefined;
        try {
          statements.run('SAVEPOINT tx', []);
          tx = new SqliteTx(runner.manager, statements);
          const value = await this.watched(this.within(tx, job.work));
          this.running = undefined;
          statements.run('RELEASE tx', []);
          tx.end();
          settled.push({ job, ok: true, value, tx });
        } catch (error) {
          this.running = undefined;
          tx?.end();
          settled.push({ job, ok: false, error });
          // SQLite itself may have ended the whole transaction (a full disk, say): then the
          // group's earlier work is gone too, and fails with this error.
          if (!db.inTransaction) throw error;
          statements.run('ROLLBACK TO tx', []);
          statements.run('RELEASE tx', []);
        }
      }
      statements.run('COMMIT', []);
    } catch (error) {
      this.rollBack();
      for (const [i, outcome] of settled.entries()) {
        if (outcome.ok) settled[i] = { job: outcome.job, ok: false, error };
      }
    } finally {
      typeorm.isTransactionActive = false;
      typeorm.transactionDepth = 0;
    }
    for (const outcome of settled) {
      if (outcome.ok) {
        this.runEffects(outcome.tx);
        outcome.job.resolve(outcome.value);
      } else {
        outcome.job.reject(outcome.error);
      }
    }
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
      return this.within(tx, work);
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
