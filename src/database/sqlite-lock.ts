import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigurationError } from '../config/configuration-error';

/**
 * SQLite has one writer process: this service's writer connection and its group commit
 * (TransactionRunner). A second process on the same file would take turns on SQLite's write
 * lock with it and answer 500 (`database is locked`) for the writes that lose; the second start
 * is refused instead.
 *
 * The lock is an exclusive lock on a side file, `<SQLITE_PATH>.lock`, held by a connection of
 * its own in an open `BEGIN EXCLUSIVE` transaction (locking_mode EXCLUSIVE). SQLite takes it
 * with an OS advisory lock (fcntl on Linux and macOS, LockFileEx on Windows), which the kernel
 * drops when the process ends however it ends (SIGKILL, a crash): nothing stale to clean up, no
 * pid to check. The database file itself cannot carry it, because the reader connection and the
 * WAL checkpointer's thread must open that file too.
 *
 * Within one process the lock is counted: two apps of one process (tests, a restart in place)
 * share it, as they share everything else in it.
 */
interface HeldLock {
  connection: Database.Database;
  holders: number;
}

const held = new Map<string, HeldLock>();

/** The side file, by its folder's real path, so that two spellings of one file meet on one lock. */
export function sqliteLockFile(sqlitePath: string): string {
  const file = resolve(sqlitePath);
  let folder = dirname(file);
  try {
    folder = realpathSync(folder);
  } catch {
    // Not created yet: the writer creates it, and this spelling is the one everybody resolves.
  }
  return join(folder, `${basename(file)}.lock`);
}

const isBusy = (error: unknown) =>
  typeof (error as { code?: unknown }).code === 'string' &&
  (error as { code: string }).code.startsWith('SQLITE_BUSY');

/**
 * Takes this process's hold on SQLITE_PATH (nothing for `:memory:`, a file of this process
 * alone); throws a ConfigurationError naming SQLITE_PATH when another process holds it. Returns
 * the release (the lock goes with the last holder of the process).
 */
export function lockSqliteFile(sqlitePath: string): () => void {
  if (sqlitePath === ':memory:') return () => undefined;
  const file = sqliteLockFile(sqlitePath);
  let lock = held.get(file);
  if (!lock) {
    // timeout 0: a held lock answers SQLITE_BUSY at once instead of after SQLite's wait.
    const connection = new Database(file, { timeout: 0 });
    try {
      connection.pragma('locking_mode = EXCLUSIVE');
      connection.pragma('journal_mode = MEMORY'); // no -journal file beside it: nothing is written
      connection.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      connection.close();
      if (!isBusy(error)) throw error;
      throw new ConfigurationError(
        'SQLITE_PATH',
        `"${sqlitePath}" is in use by another process (it holds ${file}): SQLite has one ` +
          'writer process; stop the other one, or use DATABASE_URL (PostgreSQL) for several instances',
      );
    }
    lock = { connection, holders: 0 };
    held.set(file, lock);
  }
  lock.holders++;
  const taken = lock;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--taken.holders > 0) return;
    held.delete(file);
    taken.connection.close(); // ends the transaction: the OS lock goes with it
  };
}
