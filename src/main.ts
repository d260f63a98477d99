import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { AppConfig } from './config/app-config';
import { nestLogLevels } from './config/log-levels';
import { checkStartupEnvironment, listenError } from './config/startup-checks';

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // Validate before Nest starts, so a bad variable is one clear line rather than a stack trace.
  const config = AppConfig.fromEnv(process.env);
  // HOST resolves, SQLITE_PATH can be created and written, PORT is free: one line otherwise.
  await checkStartupEnvironment(config);
  // Start-up lines are held until the pino logger is in place (configureApp); should start-up
  // fail before that, they are flushed to Nest's console logger at the same LOG_LEVEL.
  const app = await NestFactory.create(AppModule, {
    logger: nestLogLevels(config.LOG_LEVEL),
    // A start-up failure ends in our one-line message below, not a stack trace or process.abort().
    abortOnError: false,
    bufferLogs: true,
  });
  app.flushLogs();
  configureApp(app);
  await app.listen(config.PORT, config.HOST).catch((error: unknown) => {
    throw listenError(error, config.PORT, config.HOST);
  });
  app
    .get(Logger)
    .log(
      `Lead distribution service listening on http://${config.HOST}:${config.PORT} (docs at /docs)`,
      'Bootstrap',
    );
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
