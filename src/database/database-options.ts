import type { DataSourceOptions } from 'typeorm';
import { SourceApiKey } from '../auth/entities/source-api-key.entity';
import { AppConfig } from '../config/app-config';
import { RoundRobinState } from '../distribution/entities/round-robin-state.entity';
import { IdempotencyKey } from '../idempotency/entities/idempotency-key.entity';
import { LeadRequest } from '../requests/entities/request.entity';
import { Lead } from '../leads/entities/lead.entity';
import { Operator } from '../operators/entities/operator.entity';
import { OperatorSourceWeight } from '../sources/entities/operator-source-weight.entity';
import { Source } from '../sources/entities/source.entity';
import { migrations } from './migrations';

export const entities = [
  Operator,
  Source,
  OperatorSourceWeight,
  Lead,
  LeadRequest,
  RoundRobinState,
  SourceApiKey,
  IdempotencyKey,
];

/** DATABASE_URL selects PostgreSQL; otherwise the embedded SQLite file. Schema only from migrations. */
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
        connectionTimeoutMillis: 5000,
      },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.SQLITE_PATH,
    enableWAL: true,
    // WAL + NORMAL survives a killed process (only an OS crash can lose the last commits).
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('synchronous = NORMAL');
    },
  };
}
