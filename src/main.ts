import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp } from './app.setup';
import { AppConfig } from './config/app-config';
import { checkStartupEnvironment, listenError } from './config/startup-checks';
import { createRootLogger } from './logging/http-logger';
import { bootstrapLogger, logStartup } from './logging/startup';

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // Validate before Nest starts, so a bad variable is one clear line rather than a stack trace.
  const config = AppConfig.fromEnv(process.env);
  // HOST resolves, SQLITE_PATH can be created and written, PORT is free: one line otherwise.
  await checkStartupEnvironment(config);
  const root = createRootLogger(config);
  // Nest's start-up lines are held until configureApp installs the app's logger, then written
  // through it; should start-up fail before that, they go to the same pino logger. Either way
  // every line is JSON in production, from the first one.
  const app = await NestFactory.create(AppModule, {
    ...APP_OPTIONS,
    logger: bootstrapLogger(root),
    // A start-up failure ends in our one-line message below, not a stack trace or process.abort().
    abortOnError: false,
    bufferLogs: true,
  });
  configureApp(app);
  app.flushLogs();
  await app.listen(config.PORT, config.HOST).catch((error: unknown) => {
    throw listenError(error, config.PORT, config.HOST);
  });
  logStartup(app, config, root);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
