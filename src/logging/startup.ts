import type { INestApplication, LoggerService } from '@nestjs/common';
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
export function bootstrapLogger(root: Logger): LoggerService {
  const params = { pinoHttp: { logger: root } };
  return routeMappingAtDebug(new NestJsPinoLogger(new PinoLogger(params), params));
}

/** Nest's contexts that write one info line per controller and per route at every start. */
const ROUTE_MAPPING_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer']);

/**
 * Nest's logger, with its route mapping lines ("Mapped {/operators, POST} route", some 60 of them)
 * at debug: they say nothing an operator needs at every start (docs/openapi.json lists the
 * routes), and they buried the one start line.
 */
export function routeMappingAtDebug(logger: NestJsPinoLogger): LoggerService {
  return {
    log: (message: unknown, ...rest: unknown[]) =>
      ROUTE_MAPPING_CONTEXTS.has(rest.at(-1) as string)
        ? logger.debug(message, ...rest)
        : logger.log(message, ...rest),
    error: (message: unknown, ...rest: unknown[]) => logger.error(message, ...rest),
    warn: (message: unknown, ...rest: unknown[]) => logger.warn(message, ...rest),
    debug: (message: unknown, ...rest: unknown[]) => logger.debug(message, ...rest),
    verbose: (message: unknown, ...rest: unknown[]) => logger.verbose(message, ...rest),
    fatal: (message: unknown, ...rest: unknown[]) => logger.fatal(message, ...rest),
  };
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
    `Lead distribution service started on ${summary.url}: console at ${summary.url}/console, API docs at ${summary.url}/docs`,
  );
}
