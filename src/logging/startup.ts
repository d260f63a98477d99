import type { INestApplication } from '@nestjs/common';
import { Logger as NestJsPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { WRITER } from '../database/database.constants';
import { migrationsAppliedAtStart } from '../database/run-migrations';
import { lifecycleLogger } from './http-logger';

/**
 * The logger Nest uses from its first line, before the app's own is in place: the same root pino
 * logger, so in production even a start-up that fails inside Nest writes JSON to stdout.
 */
export function bootstrapLogger(root: Logger): NestJsPinoLogger {
  const params = { pinoHttp: { logger: root } };
  return new NestJsPinoLogger(new PinoLogger(params), params);
}

export type DatabaseDescription =
  | { type: 'sqlite'; path: string }
  | { type: 'postgres'; host: string; port: number; database: string };

/** Which database is in use, without credentials. */
export function describeDatabase(config: AppConfig): DatabaseDescription {
  if (!config.DATABASE_URL) return { type: 'sqlite', path: config.SQLITE_PATH };
  const url = new URL(config.DATABASE_URL);
  return {
    type: 'postgres',
    host: url.hostname,
    port: Number(url.port || 5432),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
  };
}

export interface StartupSummary {
  url: string;
  database: DatabaseDescription;
  /** `applied`: run by this start; `total`: every migration this build knows (all applied). */
  migrations: { applied: string[]; total: number; latest: string | null };
  strategy: string;
  auth: 'on' | 'off';
  logLevel: string;
}

export function startupSummary(
  config: AppConfig,
  dataSource: DataSource,
  port: number,
): StartupSummary {
  // `dataSource`: the one that ran the migrations (the writer).
  const known = dataSource.migrations.map((migration) => migration.name ?? '');
  return {
    url: `http://${config.HOST}:${port}`,
    database: describeDatabase(config),
    migrations: {
      applied: migrationsAppliedAtStart(dataSource) ?? [],
      total: known.length,
      latest: known.length ? known[known.length - 1] : null,
    },
    strategy: config.DISTRIBUTION_STRATEGY,
    auth: config.adminApiKeys.length > 0 ? 'on' : 'off',
    logLevel: config.LOG_LEVEL,
  };
}

/** The one start line, written once `listen` has succeeded. */
export function logStartup(app: INestApplication, config: AppConfig, root: Logger): void {
  const server = app.getHttpServer() as Server;
  const { port } = server.address() as AddressInfo;
  const writer = app.get<DataSource>(WRITER, { strict: false });
  const summary = startupSummary(config, writer, port);
  lifecycleLogger(root).info(
    { context: 'Bootstrap', ...summary },
    `Lead distribution service started on ${summary.url} (docs at /docs)`,
  );
}
