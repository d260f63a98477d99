import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { AppConfig } from '../../src/config/app-config';

export interface TestApp {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  url: string;
  dataSource: DataSource;
  /** Stops the app; the database stays, for a restart on the same file. */
  stop: () => Promise<void>;
  /** Stops the app and deletes its database. */
  close: () => Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Reuse this SQLite file (to test a restart) instead of a fresh one. */
  sqlitePath?: string;
}

/** The one e2e app factory: AppModule as main.ts builds it, on a fresh SQLite file, listening. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = options.sqlitePath ? undefined : mkdtempSync(join(tmpdir(), 'lds-e2e-'));
  const sqlitePath = options.sqlitePath ?? join(dir!, 'crm.sqlite');
  const config = AppConfig.fromEnv({
    SQLITE_PATH: sqlitePath,
    LOG_LEVEL: 'error',
    NODE_ENV: 'test',
    ...options.env,
  });

  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'fatal'] });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const dataSource = app.get(DataSource);

  const stop = () => app.close();
  return {
    app,
    url,
    dataSource,
    http: () => request(url),
    stop,
    close: async () => {
      await stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
