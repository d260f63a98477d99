import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isTransientConflict } from './database-errors';

const MAX_ATTEMPTS = 5;

/**
 * The one way the service opens a write transaction.
 *
 * SQLite: TypeORM's better-sqlite3 driver shares one connection, so two transactions started
 * in the same tick would interleave (the second becomes a savepoint of the first). They are
 * queued here, first in first out; each still runs as a real transaction.
 *
 * PostgreSQL: every transaction has its own pooled connection and correctness comes from the
 * database (conditional updates, unique keys). A deadlock or serialization failure is retried.
 */
@Injectable()
export class TransactionRunner {
  private queueTail: Promise<unknown> = Promise.resolve();
  private readonly serialise: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.serialise = dataSource.options.type === 'better-sqlite3';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.serialise) {
      const result = this.queueTail.then(() => this.dataSource.transaction(work));
      this.queueTail = result.catch(() => undefined);
      return result;
    }
    return this.runWithRetry(work);
  }

  private async runWithRetry<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isTransientConflict(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }
}
