import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { createHttpLogger, createRootLogger, type HttpLogger } from './http-logger';
import { ShutdownLogger } from './shutdown-logger';

import { HTTP_LOGGER } from './logging.constants';

export { HTTP_LOGGER };

/**
 * nestjs-pino writes every Nest log line through the root pino logger. The HTTP request logger
 * (createHttpLogger) is mounted by configureApp before the body parser, so even a 413 or a
 * malformed body gets its line.
 *
 * nestjs-pino's own per-request middleware is not mounted (`forRoutes: []`): it only runs each
 * request inside an AsyncLocalStorage, which turns on async hooks for every promise of every
 * request, to bind the request id to Nest log lines written during it. The one such line that
 * matters, an unexpected 500, carries the request id explicitly (AppExceptionFilter).
 */
/** The HTTP request logger, with the root pino logger it carries. */
@Module({
  providers: [
    {
      provide: HTTP_LOGGER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => createHttpLogger(createRootLogger(config)),
    },
  ],
  exports: [HTTP_LOGGER],
})
class HttpLoggerModule {}

@Global()
@Module({
  imports: [
    HttpLoggerModule,
    LoggerModule.forRootAsync({
      imports: [HttpLoggerModule],
      inject: [HTTP_LOGGER],
      useFactory: (httpLogger: HttpLogger) => ({
        pinoHttp: { logger: httpLogger.logger },
        useExisting: true,
        forRoutes: [],
      }),
    }),
  ],
  providers: [ShutdownLogger],
  exports: [HttpLoggerModule],
})
export class LoggingModule {}
