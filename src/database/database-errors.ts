import { QueryFailedError } from 'typeorm';
import { TransientConflict } from './transient-conflict';

/**
 * One error shape for both databases: a statement that fails leaves the database layer as
 * TypeORM's QueryFailedError, its `driverError.code` the driver's own code (PostgreSQL's
 * SQLSTATE, such as 23505; better-sqlite3's extended result code, such as
 * SQLITE_CONSTRAINT_UNIQUE). TypeORM wraps what goes through it; PostgresTx and SqliteStatements
 * wrap their own statements the same way. The predicates below also read a bare driver error, for
 * code that reaches a connection directly.
 */
function driverError(error: unknown): unknown {
  return error instanceof QueryFailedError ? (error.driverError as unknown) : error;
}

function driverCode(error: unknown): string | undefined {
  const code = (driverError(error) as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

const UNIQUE_VIOLATIONS = new Set([
  '23505', // PostgreSQL unique_violation (primary keys included)
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);

const TRANSIENT_CONFLICTS = new Set([
  '40001', // PostgreSQL serialization_failure
  '40P01', // PostgreSQL deadlock_detected
  '55P03', // PostgreSQL lock_not_available: a claim after a lost one is NOWAIT (lock-order.service.ts)
  // SQLite: another connection holds the write lock (this service is the file's only writer
  // process, so only a tool beside it can cause this); the transaction can run again.
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_RECOVERY',
  'SQLITE_BUSY_TIMEOUT',
]);

// node-postgres' pool, when no connection came free within connectionTimeoutMillis.
const POOL_TIMEOUT = 'timeout exceeded when trying to connect';

/**
 * PostgreSQL's pool had no connection free in time (the service is overloaded): nothing ran, and
 * the client may try again shortly. Also as TypeORM's QueryFailedError around it.
 */
export function isPoolExhausted(error: unknown): boolean {
  const candidate = error as { message?: unknown; driverError?: { message?: unknown } } | null;
  return candidate?.message === POOL_TIMEOUT || candidate?.driverError?.message === POOL_TIMEOUT;
}

// The connection could not be opened or was lost: the network's codes, PostgreSQL's connection
// exceptions (class 08) and shutdowns (57P01-57P03), too many connections (53300), and pg's own
// messages, which carry no code.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const UNREACHABLE_MESSAGES = /^Connection terminated|^Client has encountered a connection error/;

/**
 * PostgreSQL could not be reached, or the connection died: unavailability, not a defect. A
 * FATAL error ends its session, so it counts too (a database that refuses connections, a
 * role that may not log in). The request's transaction did not commit, unless the connection
 * died after COMMIT was sent; an Idempotency-Key makes the retry safe either way.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  const code = driverCode(error);
  if (code !== undefined && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true;
  const candidate = driverError(error) as { severity?: unknown; message?: unknown } | null;
  if (candidate?.severity === 'FATAL' || candidate?.severity === 'PANIC') return true;
  return typeof candidate?.message === 'string' && UNREACHABLE_MESSAGES.test(candidate.message);
}

/**
 * PostgreSQL cancelled a statement that ran past DATABASE_STATEMENT_TIMEOUT_MS (57014): a read
 * too large for the time allowed (a long analytics window over a big history), not a defect.
 */
export function isStatementTimeout(error: unknown): boolean {
  return driverCode(error) === '57014';
}

/**
 * The disk under the database is full (SQLite's SQLITE_FULL, PostgreSQL's disk_full 53100): the
 * transaction rolled back, and no change will commit until someone frees space.
 */
export function isStorageFull(error: unknown): boolean {
  const code = driverCode(error);
  return code === 'SQLITE_FULL' || code === '53100';
}

/** A unique index refused the row (the key is taken), on either database. */
export function isUniqueViolation(error: unknown): boolean {
  const code = driverCode(error);
  return code !== undefined && UNIQUE_VIOLATIONS.has(code);
}

/**
 * A conflict with a concurrent transaction that ran no part of this one, or the service's own
 * TransientConflict: the transaction can simply run again.
 */
export function isTransientConflict(error: unknown): boolean {
  if (error instanceof TransientConflict) return true;
  const code = driverCode(error);
  return code !== undefined && TRANSIENT_CONFLICTS.has(code);
}
