import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { HttpLogger } from 'pino-http';
import { AppConfig } from '../config/app-config';
import { createHttpLogger, createRootLogger } from './http-logger';

export const HTTP_LOGGER = Symbol('HTTP_LOGGER');

/**
 * nestjs-pino for every Nest log line (with the request id inside a request). The pino-http
 * middleware itself is mounted by configureApp before the body parser, so even a 413 or a
 * malformed body gets its line; nestjs-pino reuses it (`useExisting`).
 */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [
        {
          provide: HTTP_LOGGER,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => createHttpLogger(createRootLogger(config)),
        },
      ],
      inject: [HTTP_LOGGER],
      useFactory: (httpLogger: HttpLogger) => ({
        pinoHttp: { logger: httpLogger.logger },
        useExisting: true,
      }),
    }),
  ],
})
export class LoggingModule {}
