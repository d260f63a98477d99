import { INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import cors from 'cors';
import type { Request } from 'express';
import { Logger } from 'nestjs-pino';
import type { HttpLogger } from './logging/http-logger';
import { AppConfig } from './config/app-config';
import { rejectNulCharacters, requireJsonBody } from './common/json-body';
import { corsWhenAsked, securityHeaders } from './common/security-headers';
import { observeResponses } from './common/response-observer';
import { AppValidationPipe } from './common/validation.pipe';
import { AppExceptionFilter } from './common/app-exception.filter';
import { setupOpenApi } from './common/openapi';
import { TOTAL_COUNT_HEADER } from './common/total-count.interceptor';
import { IDEMPOTENT_REPLAYED_HEADER } from './requests/requests.controller';
import { REQUEST_ID_HEADER } from './logging/http-logger';
import { HTTP_LOGGER } from './logging/logging.module';
import { routeMappingAtDebug } from './logging/startup';
import { MetricsService } from './metrics/metrics.service';

/**
 * Options of every app instance (main.ts, the e2e tests): configureApp registers the one body
 * parser the API needs (JSON); Nest's defaults would add a form parser that every request passes
 * through and no route uses (such bodies are refused with 415 first).
 */
export const APP_OPTIONS = { bodyParser: false } as const;

/** Everything main.ts and the e2e tests must share: parsing, validation, the OpenAPI document. */
export function configureApp(app: INestApplication): void {
  const config = app.get(AppConfig);
  const express = app as NestExpressApplication;
  app.useLogger(routeMappingAtDebug(app.get(Logger)));
  // Express's own error page shows stack traces outside production: never let it.
  express.set('env', 'production');
  express.set('trust proxy', config.trustProxy);
  // Responses are live state (loads, queues): no ETag hashing of every body.
  express.set('etag', false);
  // Before the body parser, so that a 413 or a malformed body is logged and measured too.
  app.use(
    observeResponses<Request>([
      app.get<HttpLogger>(HTTP_LOGGER).observer,
      app.get(MetricsService).httpObserver(),
    ]),
  );
  app.use(securityHeaders());
  app.use(requireJsonBody);
  // Any JSON value parses (`strict: false`); AppValidationPipe tells a body that is not the
  // object a route expects in one message.
  express.useBodyParser('json', {
    limit: config.BODY_LIMIT,
    reviver: rejectNulCharacters,
    strict: false,
  });
  express.set('query parser', 'simple');
  app.useGlobalPipes(new AppValidationPipe());
  app.useGlobalFilters(new AppExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
  app.use(
    corsWhenAsked(
      cors({
        origin: config.corsOrigins ?? '*',
        exposedHeaders: [
          TOTAL_COUNT_HEADER,
          REQUEST_ID_HEADER,
          IDEMPOTENT_REPLAYED_HEADER,
          'Retry-After',
        ],
      }),
    ),
  );
  // On a signal: stop, then process.exit(0), which lets pino write out its buffered lines (the
  // shutdown lines included); re-raising the signal, Nest's default, would drop them.
  app.enableShutdownHooks(undefined, { useProcessExit: true });

  setupOpenApi(app);
}
