import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually } from './eventually';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Which database the e2e run uses: set per jest project (see jest.config.js). */
export const e2eOnPostgres = process.env.E2E_DATABASE === 'postgres';

export interface TestDatabase {
  /** Environment for AppConfig: SQLITE_PATH or DATABASE_URL. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

function adminUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Refuses a PostgreSQL database whose name does not say it is a test's. It reads the URL the app
 * is configured with (what it will connect to), so a DATABASE_URL from a test's overrides or a
 * handed-in database is checked too, not only the names built here. Only the name is printed:
 * the URL may carry a password.
 */
export function refuseNonTestDatabase(databaseUrl: string | undefined): void {
  if (databaseUrl === undefined) return; // SQLite: a temporary file of the test's own
  const url = new URL(databaseUrl);
  // No path: PostgreSQL connects to the database named after the user.
  const name = decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username);
  if (!name.includes('test')) {
    throw new Error(`refusing to run tests on database "${name}": its name lacks "test"`);
  }
}

/** A fresh, empty database: a temporary SQLite file, or a new PostgreSQL database. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!e2eOnPostgres) {
    const dir = mkdtempSync(join(tmpdir(), 'lds-e2e-'));
    return {
      env: { SQLITE_PATH: join(dir, 'crm.sqlite') },
      drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  const name = `lds_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    env: {
      DATABASE_URL: url.toString(),
      // A busy CI machine has taken over 5 s (the default) to open a connection; no test
      // measures this wait, and a spurious timeout would fail a suite that proves nothing about it.
      DATABASE_CONNECT_TIMEOUT_MS: '30000',
      // Likewise a statement: on a stalled CI disk 120 intakes queued on one source's lock have
      // waited past 10 s. Tests of the timeout itself set their own.
      DATABASE_STATEMENT_TIMEOUT_MS: '30000',
    },
    drop: () =>
      withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

/** Runs SQL as the administrator (e.g. to cut the app's connections in a test). */
export function adminQuery(sql: string): Promise<unknown> {
  return withAdmin((admin) => admin.query(sql));
}

/** pg_stat_database.deadlocks of this database, once none of its sessions is left to report. */
export async function deadlocks(name: string): Promise<number> {
  let count = NaN;
  await eventually(
    async () => {
      const {
        rows: [row],
      } = (await adminQuery(
        `SELECT pg_stat_clear_snapshot(), (SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '${name}') AS sessions,
                (SELECT deadlocks FROM pg_stat_database WHERE datname = '${name}') AS deadlocks`,
      )) as { rows: Array<{ sessions: string; deadlocks: string | null }> };
      if (Number(row.sessions) > 0) return false;
      count = Number(row.deadlocks ?? 0);
    },
    10_000,
    `the sessions on ${name} to end`,
    50,
  );
  return count;
}
