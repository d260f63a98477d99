import { INestApplication } from '@nestjs/common';
import { AbstractLoader, ExpressLoader } from '@nestjs/serve-static';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { APP_OPTIONS, configureApp } from '../../src/app.setup';
import { AppConfig } from '../../src/config/app-config';
import { WRITER } from '../../src/database/database.constants';
import { createTestDatabase, refuseNonTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  url: string;
  /** The reader: committed data only, and read-only (what the app's reads use). */
  dataSource: DataSource;
  /** The writer connection, for a test that must change rows behind the API's back. */
  writer: DataSource;
  database: TestDatabase;
  /** Stops the app; the database stays, for a restart or a second instance. */
  stop: () => Promise<void>;
  /** Stops the app and drops its database, unless the database was handed in. */
  close: () => Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Run on this database (a restart, a second instance) instead of a fresh one. */
  database?: TestDatabase;
}

/**
 * The one e2e app factory: AppModule configured as main.ts configures it, on a fresh database
 * (SQLite file, or PostgreSQL in the e2e-postgres run), listening on a free port.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv({
      LOG_LEVEL: 'error',
      NODE_ENV: 'test',
      ...database.env,
      ...options.env,
    });
    refuseNonTestDatabase(config.DATABASE_URL);
  } catch (error) {
    if (!options.database) await database.drop();
    throw error;
  }

  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config)
    // A testing module creates its providers before it has an HTTP adapter, so serve-static
    // would pick its no-op loader; NestFactory (main.ts) picks this one.
    .overrideProvider(AbstractLoader)
    .useClass(ExpressLoader)
    .compile();
  const app = moduleRef.createNestApplication({ ...APP_OPTIONS, logger: ['error', 'fatal'] });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();

  const stop = () => app.close();
  return {
    app,
    url,
    database,
    dataSource: app.get(DataSource),
    writer: app.get<DataSource>(WRITER),
    http: () => request(url),
    stop,
    close: async () => {
      await stop();
      if (!options.database) await database.drop();
    },
  };
}
