import { INestApplication, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from './config/app-config';
import { AppExceptionFilter } from './common/app-exception.filter';
import { TOTAL_COUNT_HEADER } from './common/total-count.interceptor';

/** Everything main.ts and the e2e tests must share: parsing, validation, the OpenAPI document. */
export function configureApp(app: INestApplication): void {
  const config = app.get(AppConfig);
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: config.BODY_LIMIT });
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
  app.enableCors({ exposedHeaders: [TOTAL_COUNT_HEADER] });
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Lead distribution service')
      .setDescription(
        'Takes every incoming customer request and hands it at once to an operator configured ' +
          'for its source, by weight, never past an operator’s max_load. Lists take limit/offset ' +
          'and return X-Total-Count.',
      )
      .setVersion('1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
