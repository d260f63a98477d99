import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { OperatorApiKey } from '../auth/entities/operator-api-key.entity';
import { SourceApiKey } from '../auth/entities/source-api-key.entity';
import { AppConfig } from '../config/app-config';
import { RoundRobinState } from '../distribution/entities/round-robin-state.entity';
import { IdempotencyKey } from '../idempotency/entities/idempotency-key.entity';
import { LeadRequest } from '../requests/entities/request.entity';
import { RequestEvent } from '../requests/entities/request-event.entity';
import { Lead } from '../leads/entities/lead.entity';
import { Operator } from '../operators/entities/operator.entity';
import { OperatorSourceWeight } from '../sources/entities/operator-source-weight.entity';
import { Source } from '../sources/entities/source.entity';
import { WebhookDelivery } from '../webhooks/entities/webhook-delivery.entity';
import { WebhookSubscription } from '../webhooks/entities/webhook-subscription.entity';
import { migrations } from './migrations';

export const entities = [
  Operator,
  Source,
  OperatorSourceWeight,
  Lead,
  LeadRequest,
  RequestEvent,
  RoundRobinState,
  SourceApiKey,
  OperatorApiKey,
  IdempotencyKey,
  WebhookSubscription,
  WebhookDelivery,
];

// 32 MiB of page cache per connection (SQLite's default is 2 MiB): the indexes a write touches
// stay in memory well past a million requests, instead of being read back page by page.
const SQLITE_CACHE = 'cache_size = -32768';

/** The SQLite file both connections open; `:memory:` becomes a throwaway file of this process. */
// One per app (its AppConfig), so two apps in one process never share a throwaway database.
const throwawayFiles = new WeakMap<AppConfig, string>();
export function sqliteFile(config: AppConfig): string {
  if (config.SQLITE_PATH !== ':memory:') return config.SQLITE_PATH;
  // A reader connection cannot see another connection's in-memory database, so ":memory:" is a
  // temporary file that nothing else uses and that is deleted when the app stops.
  let file = throwawayFiles.get(config);
  if (!file) {
    file = join(mkdtempSync(join(tmpdir(), 'lds-memory-')), 'crm.sqlite');
    throwawayFiles.set(config, file);
  }
  return file;
}

export function removeThrowawayFile(config: AppConfig): void {
  const file = throwawayFiles.get(config);
  if (file) rmSync(dirname(file), { recursive: true, force: true });
  throwawayFiles.delete(config);
}

/**
 * The connection every write transaction runs on (TransactionRunner), and migrations.
 * DATABASE_URL selects PostgreSQL; otherwise the embedded SQLite file. Schema only from migrations.
 */
export function databaseOptions(config: AppConfig): DataSourceOptions {
  const common = { entities, migrations, synchronize: false, migrationsRun: false } as const;
  if (config.DATABASE_URL) {
    return {
      ...common,
      type: 'postgres',
      url: config.DATABASE_URL,
      poolSize: config.DATABASE_POOL_SIZE,
      extra: {
        statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS || undefined,
        connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
      },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: sqliteFile(config),
    enableWAL: true,
    // FULL (the default) syncs the WAL at every commit: a 201 survives a power loss, and a group
    // commit (TransactionRunner) shares that one fsync among the group's transactions. NORMAL
    // (SQLITE_SYNCHRONOUS=normal) syncs at checkpoints only: a killed process loses nothing, an
    // OS crash or power loss can lose the last commits.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma(`synchronous = ${config.SQLITE_SYNCHRONOUS === 'normal' ? 'NORMAL' : 'FULL'}`);
      db.pragma(SQLITE_CACHE);
      // Each savepoint of a group commit (TransactionRunner) journals the original of every page
      // it first changes, so that it can roll back alone. In a temporary file that was a file
      // created and deleted per group and a write call per page (about 40 per intake); in
      // memory it is a copy, and the event loop's system time per request fell by about half.
      db.pragma('temp_store = MEMORY');
    },
  };
}

/**
 * The connection everything outside a transaction reads with. SQLite: a second, read-only
 * connection to the same WAL file, which sees committed transactions only (the writer's open
 * transaction stays invisible to it). PostgreSQL: its own pool with read-only sessions.
 */
export function readerOptions(config: AppConfig): DataSourceOptions {
  const writer = databaseOptions(config);
  if (writer.type === 'postgres') {
    return {
      ...writer,
      extra: {
        ...(writer.extra as Record<string, unknown>),
        options: '-c default_transaction_read_only=on',
      },
    };
  }
  return {
    entities,
    // Known but never run here (the writer runs them): /health/ready compares them.
    migrations,
    type: 'better-sqlite3',
    database: sqliteFile(config),
    readonly: true,
    fileMustExist: true,
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma(SQLITE_CACHE);
    },
  };
}
