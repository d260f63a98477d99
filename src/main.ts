import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { AppConfig } from './config/app-config';
import { nestLogLevels } from './config/log-levels';

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // Validate before Nest starts, so a bad variable is one clear line rather than a stack trace.
  const config = AppConfig.fromEnv(process.env);
  const app = await NestFactory.create(AppModule, {
    logger: nestLogLevels(config.LOG_LEVEL),
    // A start-up failure ends in our one-line message below, not a stack trace or process.abort().
    abortOnError: false,
    bufferLogs: true,
  });
  app.flushLogs();
  configureApp(app);
  await app.listen(config.PORT, config.HOST);
  console.log(
    `Lead distribution service listening on http://${config.HOST}:${config.PORT} (docs at /docs)`,
  );
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
