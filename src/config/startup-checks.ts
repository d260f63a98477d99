import { lookup } from 'node:dns/promises';
import { accessSync, constants, mkdirSync, statfsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve, sep } from 'node:path';
import { Client } from 'pg';
import { lockSqliteFile } from '../database/sqlite-lock';
import { AppConfig } from './app-config';
import { ConfigurationError } from './configuration-error';

export { ConfigurationError };

const LOOKUP_TIMEOUT_MS = 5000;

/** Pseudo filesystems (statfs f_type): a database file there hangs or fails in odd ways. */
const SPECIAL_FILESYSTEMS: Record<number, string> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x1cd1: 'devpts',
  0x64626720: 'debugfs',
  0x73636673: 'securityfs',
  0x27e0eb: 'cgroup',
  0x63677270: 'cgroup2',
  0x74726163: 'tracefs',
  0xcafe4a11: 'bpf',
  0x62656570: 'configfs',
  0x6e736673: 'nsfs',
  0x50495045: 'pipefs',
  0x42494e4d: 'binfmt_misc',
  0xf97cff8c: 'selinuxfs',
  0x5a3c69f0: 'aafs',
};
const SPECIAL_ROOTS = ['/proc', '/sys', '/dev'];

const code = (error: unknown): string =>
  (error as NodeJS.ErrnoException | undefined)?.code ?? String(error);

/** HOST must resolve to an address (before anything starts, so a typo is not a late crash). */
export async function checkHost(host: string): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(), { code: 'ETIMEOUT' })),
      LOOKUP_TIMEOUT_MS,
    );
  });
  try {
    const { address } = await Promise.race([lookup(host), timeout]);
    return address;
  } catch (error) {
    throw new ConfigurationError(
      'HOST',
      `"${host}" does not resolve to an address (${code(error)})`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** stat, or undefined when the path cannot be reached (ENOENT, ENOTDIR, EACCES...). */
function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The nearest existing ancestor of `path` (itself when it exists). */
function existingAncestor(path: string): string {
  let current = path;
  while (!statOrUndefined(current)) {
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

/**
 * SQLITE_PATH must be a file the service can create (with its folder) and write, on a real
 * filesystem. Creates the folder, as the first start would anyway.
 */
export function checkSqlitePath(sqlitePath: string): void {
  if (sqlitePath === ':memory:') return;
  const fail = (problem: string) => {
    throw new ConfigurationError('SQLITE_PATH', `"${sqlitePath}" ${problem}`);
  };
  const file = resolve(sqlitePath);
  const root = SPECIAL_ROOTS.find((special) => file === special || file.startsWith(special + sep));
  if (root) fail(`is under ${root}, a special filesystem; choose a path on a disk`);
  const ancestor = existingAncestor(file);
  const filesystem = SPECIAL_FILESYSTEMS[statfsSync(ancestor).type];
  if (filesystem) fail(`is on a special filesystem (${filesystem}); choose a path on a disk`);

  const folder = dirname(file);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    fail(`cannot be created: its folder ${folder} cannot be made (${code(error)})`);
  }
  const existing = statOrUndefined(file);
  if (existing && !existing.isFile()) fail('exists and is not a file');
  try {
    accessSync(existing ? file : folder, constants.W_OK | constants.R_OK);
  } catch (error) {
    fail(`is not writable (${code(error)} on ${existing ? file : folder})`);
  }
}

/** PORT must be free on HOST: checked before start-up, so a clash is one line, not a late crash. */
export async function checkPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  const server = createServer();
  try {
    await new Promise<void>((resolvePromise, reject) => {
      server.once('error', reject);
      server.listen({ port, host, exclusive: true }, resolvePromise);
    });
  } catch (error) {
    throw listenError(error, port, host);
  } finally {
    await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
  }
}

/** The one-line message for a failed listen (the pre-check, or the real one racing another process). */
export function listenError(error: unknown, port: number, host: string): Error {
  switch (code(error)) {
    case 'EADDRINUSE':
      return new ConfigurationError('PORT', `${port} is already in use on ${host}`);
    case 'EACCES':
      return new ConfigurationError('PORT', `${port} needs privileges this process does not have`);
    case 'EADDRNOTAVAIL':
      return new ConfigurationError('HOST', `${host} is not an address of this machine`);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/** DATABASE_URL as it may be printed: the password taken out, and the query (options) too. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}

/** Why a connection failed, in words, with the code a search engine knows. */
export function databaseFailure(error: unknown): string {
  const failure = error as { code?: string; message?: string } | undefined;
  const reason: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'no answer in time',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    '3D000': 'the database does not exist',
    '28P01': 'password authentication failed',
    '28000': 'the server refused this user',
    '57P03': 'the server is starting up or shutting down',
    '53300': 'too many connections',
  };
  const code = failure?.code;
  if (code && reason[code]) return `${reason[code]} (${code})`;
  // pg's own timeout carries no code.
  if (/timeout/i.test(failure?.message ?? '')) return 'no answer in time (timeout)';
  const message = (failure?.message ?? String(error)).split('\n')[0];
  return code ? `${message} (${code})` : message;
}

/**
 * PostgreSQL must answer at DATABASE_URL: one connection is opened and closed before Nest
 * starts, so that an unreachable server, a missing database or a wrong password is one line
 * naming the variable (the password left out), not a stack trace from inside the start-up.
 */
export async function checkDatabase(url: string, connectTimeoutMs: number): Promise<void> {
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
  });
  // A connection that breaks after the check is the pool's business, not this client's.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new ConfigurationError(
      'DATABASE_URL',
      `${describeDatabaseUrl(url)}: ${databaseFailure(error)}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Everything about the environment that must hold before the service starts. On SQLite this
 * also takes the file's lock (see sqlite-lock.ts), held until the process exits: a second
 * process on the same file stops here, with one line, before it opens anything.
 */
export async function checkStartupEnvironment(config: AppConfig): Promise<void> {
  await checkHost(config.HOST);
  if (config.DATABASE_URL) {
    await checkDatabase(config.DATABASE_URL, config.DATABASE_CONNECT_TIMEOUT_MS);
  } else {
    checkSqlitePath(config.SQLITE_PATH);
    lockSqliteFile(config.SQLITE_PATH);
  }
  await checkPortFree(config.PORT, config.HOST);
}
