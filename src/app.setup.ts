import { INestApplication, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { HttpLogger } from './logging/http-logger';
import { AppConfig } from './config/app-config';
import { rejectNulCharacters } from './common/json-body';
import { AppExceptionFilter } from './common/app-exception.filter';
import { TOTAL_COUNT_HEADER } from './common/total-count.interceptor';
import { IDEMPOTENT_REPLAYED_HEADER } from './requests/requests.controller';
import { REQUEST_ID_HEADER } from './logging/http-logger';
import { HTTP_LOGGER } from './logging/logging.module';
import { MetricsService } from './metrics/metrics.service';

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;

/** Routes outside API-key authentication: they document `security: []`. */
const PUBLIC_PATHS = /^\/(health(\/.*)?|metrics)$/;

/** Everything main.ts and the e2e tests must share: parsing, validation, the OpenAPI document. */
export function configureApp(app: INestApplication): void {
  const config = app.get(AppConfig);
  const express = app as NestExpressApplication;
  app.useLogger(app.get(Logger));
  // Express's own error page shows stack traces outside production: never let it.
  express.set('env', 'production');
  express.set('trust proxy', config.trustProxy);
  // Before the body parser, so that a 413 or a malformed body is logged and measured too.
  app.use(app.get<HttpLogger>(HTTP_LOGGER));
  app.use(app.get(MetricsService).httpMiddleware());
  app.use(
    helmet({
      // Swagger UI (/docs) needs inline styles and data: images; the JSON API needs nothing.
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          // The service may be served over plain HTTP on an internal network: keep /docs working.
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  express.useBodyParser('json', { limit: config.BODY_LIMIT, reviver: rejectNulCharacters });
  express.set('query parser', 'simple');
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );
  app.useGlobalFilters(new AppExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
  app.enableCors({
    origin: config.corsOrigins ?? '*',
    exposedHeaders: [
      TOTAL_COUNT_HEADER,
      REQUEST_ID_HEADER,
      IDEMPOTENT_REPLAYED_HEADER,
      'Retry-After',
    ],
  });
  // On a signal: stop, then process.exit(0), which lets pino write out its buffered lines (the
  // shutdown lines included); re-raising the signal, Nest's default, would drop them.
  app.enableShutdownHooks(undefined, { useProcessExit: true });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Lead distribution service')
      .setDescription(
        'Takes every incoming customer request and hands it at once to an operator configured ' +
          'for its source, by weight, never past an operator’s max_load. Lists take limit/offset ' +
          'and return X-Total-Count. When ADMIN_API_KEYS is set every route except /health* and ' +
          '/metrics needs an admin key or, for POST /requests only, an intake key of the source, ' +
          'as `Authorization: Bearer <key>` or `X-API-Key: <key>`.',
      )
      .setVersion('1.0')
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'Admin or intake key' },
        'bearer',
      )
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .addSecurityRequirements('bearer')
      .addSecurityRequirements('api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, documentAccess(document), { jsonDocumentUrl: 'docs-json' });
}

const errorBody = (statusCode: number, error: string, message: string) => ({
  description: error,
  content: {
    'application/json': {
      schema: { $ref: '#/components/schemas/ErrorResponseDto' },
      example: { statusCode, error, message },
    },
  },
});

/**
 * Documents what the global guards add to every route: public routes need no key; every other
 * one answers 401 without a key, 403 for a key that may not call it, 429 over the rate limit.
 */
function documentAccess(document: OpenAPIObject): OpenAPIObject {
  for (const [path, operations] of Object.entries(document.paths)) {
    const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;
    for (const method of methods) {
      const operation: OperationObject | undefined = operations[method];
      if (!operation) continue;
      if (PUBLIC_PATHS.test(path)) {
        operation.security = [];
        continue;
      }
      operation.responses['401'] ??= errorBody(401, 'Unauthorized', 'an API key is required');
      operation.responses['403'] ??= errorBody(
        403,
        'Forbidden',
        'this intake key may only create requests (POST /requests) for source 1',
      );
      operation.responses['429'] ??= {
        ...errorBody(429, 'Too Many Requests', 'rate limit exceeded'),
        headers: { 'Retry-After': { schema: { type: 'integer', example: 42 } } },
      };
    }
  }
  return document;
}
