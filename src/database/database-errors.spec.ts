import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseError } from 'pg';
import { type EntityManager, QueryFailedError } from 'typeorm';
import {
  isDatabaseUnreachable,
  isStatementTimeout,
  isStorageFull,
  isTransientConflict,
  isUniqueViolation,
} from './database-errors';
import { SqliteStatements, SqliteTx } from './tx';

/** What PostgresTx and TypeORM throw: the pg error, wrapped in TypeORM's QueryFailedError. */
function postgresError(code: string): QueryFailedError {
  const driverError = Object.assign(new DatabaseError('postgres says no', 0, 'error'), { code });
  return new QueryFailedError('INSERT …', [], driverError);
}

/** The rejection of a statement, for a predicate to judge. */
async function failure(statement: () => unknown): Promise<unknown> {
  try {
    await statement();
  } catch (error) {
    return error;
  }
  throw new Error('the statement did not fail');
}

describe('database errors: one shape for PostgreSQL and SQLite', () => {
  describe('PostgreSQL', () => {
    it('a unique violation (23505) is one, and not transient', () => {
      expect(isUniqueViolation(postgresError('23505'))).toBe(true);
      expect(isTransientConflict(postgresError('23505'))).toBe(false);
    });

    it.each(['40001', '40P01'])('%s (serialization failure, deadlock) is transient', (code) => {
      expect(isTransientConflict(postgresError(code))).toBe(true);
      expect(isUniqueViolation(postgresError(code))).toBe(false);
    });

    it('another error is neither', () => {
      expect(isUniqueViolation(postgresError('23503'))).toBe(false);
      expect(isTransientConflict(postgresError('57014'))).toBe(false);
    });

    it.each([
      [
        'ECONNREFUSED',
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ],
      ['a connection exception (08006)', postgresError('08006')],
      ['an administrator shutdown (57P01)', postgresError('57P01')],
      ['too many connections (53300)', postgresError('53300')],
      [
        'a FATAL error at connect',
        Object.assign(new DatabaseError('not accepting connections', 0, 'error'), {
          code: '55000',
          severity: 'FATAL',
        }),
      ],
      ['the pool connect timeout', new Error('Connection terminated due to connection timeout')],
      [
        'a connection lost mid-query',
        new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')),
      ],
    ])('%s means the database is unreachable', (_, error) => {
      expect(isDatabaseUnreachable(error)).toBe(true);
    });

    it.each([
      ['a unique violation', postgresError('23505')],
      ['a statement timeout', postgresError('57014')],
      [
        'an ERROR with the same code as a FATAL one',
        Object.assign(new DatabaseError('x', 0, 'error'), { code: '55000', severity: 'ERROR' }),
      ],
      ['a plain bug', new TypeError('x is undefined')],
    ])('%s does not', (_, error) => {
      expect(isDatabaseUnreachable(error)).toBe(false);
    });

    it('a statement cancelled by the statement timeout (57014) is one, and nothing else is', () => {
      expect(isStatementTimeout(postgresError('57014'))).toBe(true);
      expect(isStatementTimeout(postgresError('40001'))).toBe(false);
    });

    it('a full disk (53100) is storage full; out of memory (53200) is not', () => {
      expect(isStorageFull(postgresError('53100'))).toBe(true);
      expect(isStorageFull(postgresError('53200'))).toBe(false);
      expect(isStorageFull(postgresError('57014'))).toBe(false);
    });
  });

  describe('SQLite', () => {
    let dir: string;
    let db: Database.Database;
    let statements: SqliteStatements;
    let tx: SqliteTx;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'lds-errors-'));
      db = new Database(join(dir, 'errors.sqlite'));
      db.pragma('journal_mode = WAL');
      db.exec(
        'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER CHECK (n >= 0))',
      );
      db.exec("INSERT INTO t (id, name, n) VALUES (1, 'taken', 0)");
      statements = new SqliteStatements(db);
      tx = new SqliteTx({} as EntityManager, statements);
    });
    afterEach(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a statement error through Tx.query has the PostgreSQL shape: QueryFailedError with the driver code', async () => {
      const error = await failure(() =>
        tx.query('INSERT INTO t (id, name, n) VALUES (?, ?, ?)', [2, 'taken', 0]),
      );
      expect(error).toBeInstanceOf(QueryFailedError);
      expect((error as QueryFailedError).driverError).toMatchObject({
        code: 'SQLITE_CONSTRAINT_UNIQUE',
      });
      expect(isUniqueViolation(error)).toBe(true);
      expect(isTransientConflict(error)).toBe(false);
    });

    it('a duplicate primary key is a unique violation too (PostgreSQL: 23505 for both)', async () => {
      const error = await failure(() =>
        tx.insert('INSERT INTO t (id, name, n) VALUES (1, ?, 0)', ['x']),
      );
      expect(error).toBeInstanceOf(QueryFailedError);
      expect(isUniqueViolation(error)).toBe(true);
    });

    it('a statement run on the connection (reads, BEGIN/COMMIT) has the same shape', () => {
      const error = (() => {
        try {
          statements.run('INSERT INTO t (id, name, n) VALUES (?, ?, ?)', [3, 'taken', 0]);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(QueryFailedError);
      expect(isUniqueViolation(error)).toBe(true);
    });

    it('another constraint is not a unique violation', async () => {
      const error = await failure(() =>
        tx.query('INSERT INTO t (id, name, n) VALUES (?, ?, ?)', [4, 'fresh', -1]),
      );
      expect(error).toBeInstanceOf(QueryFailedError);
      expect(isUniqueViolation(error)).toBe(false);
      expect(isTransientConflict(error)).toBe(false);
    });

    it('a busy database (another connection writes) is transient, as a PostgreSQL conflict is', async () => {
      const other = new Database(join(dir, 'errors.sqlite'), { timeout: 0 });
      try {
        db.exec('BEGIN IMMEDIATE');
        const error = await failure(() =>
          new SqliteTx({} as EntityManager, new SqliteStatements(other)).query(
            "INSERT INTO t (id, name, n) VALUES (5, 'busy', 0)",
          ),
        );
        expect(error).toBeInstanceOf(QueryFailedError);
        expect(isTransientConflict(error)).toBe(true);
        expect(isUniqueViolation(error)).toBe(false);
      } finally {
        db.exec('ROLLBACK');
        other.close();
      }
    });

    it('a database that may grow no more (a full disk; here max_page_count) is storage full', async () => {
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
      const error = await failure(() =>
        tx.query('INSERT INTO t (name, n) VALUES (?, 0)', ['x'.repeat(64 * 1024)]),
      );
      expect(error).toBeInstanceOf(QueryFailedError);
      expect(isStorageFull(error)).toBe(true);
      expect(isTransientConflict(error)).toBe(false);
      expect(isStorageFull(postgresError('23505'))).toBe(false);
    });

    it('the bare driver error answers alike (code that bypasses Tx)', () => {
      const bare = (() => {
        try {
          db.exec("INSERT INTO t (id, name, n) VALUES (6, 'taken', 0)");
        } catch (caught) {
          return caught;
        }
      })();
      expect(bare).not.toBeInstanceOf(QueryFailedError);
      expect(isUniqueViolation(bare)).toBe(true);
    });
  });

  it('errors that are not the database’s are neither', () => {
    expect(isUniqueViolation(new Error('23505'))).toBe(false);
    expect(isTransientConflict(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });
});
