import type { Database, Statement } from 'better-sqlite3';
import { type EntityManager, QueryFailedError } from 'typeorm';

export type Dialect = 'sqlite' | 'postgres';

/**
 * One open write transaction, handed down from the use case that opened it
 * (TransactionRunner.run) to everything that writes. Nothing below a use case opens its own.
 */
export interface Tx {
  readonly dialect: Dialect;
  /** TypeORM inside this transaction, for the statements that are not on the hot path. */
  readonly manager: EntityManager;
  /**
   * A hand-written statement in SQL both databases speak: `?` placeholders in order, dates and
   * booleans as values. Statements that change rows and need them back end in RETURNING.
   */
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs once, only after this transaction has committed (never per retried attempt). */
  afterCommit(effect: () => void): void;
}

// The last two instants converted: the columns of one change share its Date (and an outbox row
// alternates it with its lease's end), each converted once.
let lastTime = NaN;
let lastText = '';
let otherTime = NaN;
let otherText = '';

/** The UTC text TypeORM stores SQLite datetimes as ("2026-01-27 10:30:00.000"). */
export function sqliteTimestamp(date: Date): string {
  const time = date.getTime();
  if (time === lastTime) return lastText;
  if (time === otherTime) return otherText;
  const iso = date.toISOString();
  otherTime = lastTime;
  otherText = lastText;
  lastTime = time;
  lastText =
    iso.length === 24
      ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}`
      : iso.replace('T', ' ').replace('Z', '');
  return lastText;
}

function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return sqliteTimestamp(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** `?, ?, …`: the placeholders of an `IN (…)` list or a row of `count` values. */
export function placeholders(count: number): string {
  return Array<string>(count).fill('?').join(', ');
}

const postgresText = new Map<string, string>();

export function postgresPlaceholders(sql: string): string {
  let text = postgresText.get(sql);
  if (text === undefined) {
    let position = 0;
    text = sql.replace(/\?/g, () => `$${++position}`);
    postgresText.set(sql, text);
  }
  return text;
}

/** A statement on a transaction that has already committed or rolled back. */
export class TransactionEndedError extends Error {
  constructor() {
    super('this transaction has ended: a statement after its commit or rollback is refused');
  }
}

abstract class BaseTx implements Tx {
  abstract readonly dialect: Dialect;
  readonly effects: Array<() => void> = [];
  protected ended = false;

  constructor(private readonly entityManager: EntityManager) {}

  get manager(): EntityManager {
    if (this.ended) throw new TransactionEndedError();
    return this.entityManager;
  }

  abstract query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;

  afterCommit(effect: () => void): void {
    this.effects.push(effect);
  }

  /**
   * The transaction has committed or rolled back: what its work still sends (work the runner
   * gave up on, see TransactionRunner's watchdog) must not run in whatever transaction the
   * connection is in now.
   */
  end(): void {
    this.ended = true;
  }
}

/**
 * SQLite: the writer connection is this process's only writer and the transaction is already
 * open on it, so statements run straight on better-sqlite3, prepared once and cached.
 */
export class SqliteTx extends BaseTx {
  readonly dialect = 'sqlite';

  constructor(
    manager: EntityManager,
    private readonly statements: SqliteStatements,
  ) {
    super(manager);
  }

  // async: a failing statement becomes a rejected promise, as on PostgreSQL.
  // eslint-disable-next-line @typescript-eslint/require-await
  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    if (this.ended) throw new TransactionEndedError();
    return this.statements.run<T>(sql, params);
  }

  /**
   * An INSERT without RETURNING: the rowid of its last row. The rows of one statement get
   * consecutive rowids (this connection is the only writer), so the others follow from it.
   */
  // eslint-disable-next-line @typescript-eslint/require-await
  async insert(sql: string, params: readonly unknown[]): Promise<number> {
    if (this.ended) throw new TransactionEndedError();
    return this.statements.insert(sql, params);
  }
}

/** A pg client or pool: both take a named statement. */
export interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

const postgresStatementNames = new Map<string, string>();

/** One name per SQL text, so each pooled connection parses and plans a statement once. */
function postgresStatementName(text: string): string {
  let name = postgresStatementNames.get(text);
  if (name === undefined) {
    name = `lds_${postgresStatementNames.size + 1}`;
    postgresStatementNames.set(text, name);
  }
  return name;
}

/**
 * A hand-written statement (`?` placeholders) as a named prepared statement on a pg client or
 * pool; a failure is TypeORM's QueryFailedError, as through TypeORM (database-errors.ts).
 */
export async function queryPrepared<T>(
  client: PgClient,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  const text = postgresPlaceholders(sql);
  try {
    const result = await client.query({
      name: postgresStatementName(text),
      text,
      values: [...params],
    });
    return result.rows as T[];
  } catch (error) {
    throw new QueryFailedError(text, [...params], error as Error);
  }
}

/**
 * PostgreSQL: statements go straight to the transaction's pooled connection as named prepared
 * statements. Parsing and planning each of the hot path's statements on every request cost the
 * database as much CPU as the service spent on the whole request.
 */
export class PostgresTx extends BaseTx {
  readonly dialect = 'postgres';

  query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const runner = this.manager.queryRunner as unknown as { databaseConnection: PgClient };
    return queryPrepared<T>(runner.databaseConnection, sql, params);
  }
}

/** Prepared statements of one better-sqlite3 connection, keyed by their SQL text. */
export class SqliteStatements {
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  // The values go as one array (better-sqlite3 binds its items in order): no spread of a long
  // parameter list into arguments.
  // A failing statement throws TypeORM's QueryFailedError around better-sqlite3's error, as a
  // statement through TypeORM or PostgresTx does (see database-errors.ts).
  run<T>(sql: string, params: readonly unknown[]): T[] {
    try {
      const statement = this.prepared(sql);
      const values = params.map(sqliteValue);
      if (statement.reader) return statement.all(values) as T[];
      statement.run(values);
      return [];
    } catch (error) {
      throw new QueryFailedError(sql, [...params], error as Error);
    }
  }

  insert(sql: string, params: readonly unknown[]): number {
    try {
      return Number(this.prepared(sql).run(params.map(sqliteValue)).lastInsertRowid);
    } catch (error) {
      throw new QueryFailedError(sql, [...params], error as Error);
    }
  }

  private prepared(sql: string): Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}
