import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import {
  isDatabaseUnreachable,
  isPoolExhausted,
  isStatementTimeout,
  isStorageFull,
} from '../database/database-errors';
import { conflictResponse, ConflictError } from './conflict';

interface ClientHttpError {
  statusCode: number;
  message: string;
  expose: boolean;
}

/** Errors raised by Express middleware (body-parser's 400 and 413) carry a 4xx and `expose`. */
function isClientHttpError(error: unknown): error is ClientHttpError {
  const candidate = error as Partial<ClientHttpError> | null;
  return (
    typeof candidate?.statusCode === 'number' &&
    candidate.statusCode >= 400 &&
    candidate.statusCode < 500 &&
    candidate.expose === true
  );
}

/**
 * Gives middleware errors (body-parser, requireJsonBody) Nest's standard body
 * ({statusCode, error, message}) and keeps them out of the error log, answers a service's
 * ConflictError with its code (conflictResponse), and makes every 400's `message` a list of
 * strings; anything unexpected still becomes a logged, generic 500.
 */
@Catch()
export class AppExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof ConflictError) {
      const { status } = conflictResponse(exception.code);
      exception = new HttpException(
        { statusCode: status, error: 'Conflict', message: exception.message, code: exception.code },
        status,
        { cause: exception },
      );
    }
    if (isClientHttpError(exception)) {
      const { statusCode, message } = exception;
      const error = STATUS_CODES[statusCode] ?? 'Error';
      exception = new HttpException({ statusCode, error, message }, statusCode);
    }
    if (isPoolExhausted(exception)) {
      // Overload, not a defect: nothing ran, and the client may retry in a moment.
      overload.warn('no database connection came free in time: answered 503');
      setRetryAfter(host, 1);
      exception = new ServiceUnavailableException(
        'the database is busy (no connection came free in time); retry after the seconds in Retry-After',
      );
    }
    if (isDatabaseUnreachable(exception)) {
      // Unavailability, not a defect: /health says the same, and the pool reconnects by itself.
      overload.warn(`the database is unreachable (${firstLine(exception)}): answered 503`);
      setRetryAfter(host, 5);
      exception = new ServiceUnavailableException(
        'the database is unreachable; retry after the seconds in Retry-After',
      );
    }
    if (isStorageFull(exception)) {
      // Unavailable for changes until a person frees space: an error for the operator, not a
      // defect to report as a 500; reads still work.
      overload.error(`the database's disk is full (${firstLine(exception)}): answered 503`);
      setRetryAfter(host, 60);
      exception = new ServiceUnavailableException(
        "the database's disk is full; nothing was written; retry after the seconds in Retry-After",
      );
    }
    if (isStatementTimeout(exception) && isRead(host)) {
      // Too much to read in the time allowed: the client can ask for less, or later.
      overload.warn('a read ran past DATABASE_STATEMENT_TIMEOUT_MS: answered 503');
      exception = new ServiceUnavailableException(
        'the query ran past the database statement timeout; ask for less (a shorter from/to, ' +
          'one source_id) or raise DATABASE_STATEMENT_TIMEOUT_MS',
      );
    }
    if (isStatementTimeout(exception)) {
      // A change waits this long only queued behind locks on a busy database; its transaction
      // rolled back, so the client may simply send it again.
      overload.warn('a change ran past DATABASE_STATEMENT_TIMEOUT_MS: answered 503');
      setRetryAfter(host, 1);
      exception = new ServiceUnavailableException(
        'the database did not finish this change within DATABASE_STATEMENT_TIMEOUT_MS (it is ' +
          'busy); nothing was written; retry after the seconds in Retry-After',
      );
    }
    if (exception instanceof HttpException || isHttpError(exception)) {
      super.catch(withMessageList(exception), host);
      return;
    }
    this.handleUnexpected(exception, host);
  }

  /**
   * Anything unexpected: a generic 500, and one error line with the request id, so the line can
   * be found from the response's X-Request-Id (request handling runs outside any async context).
   */
  private handleUnexpected(exception: unknown, host: ArgumentsHost): void {
    const request = host.getArgByIndex<{ id?: unknown; method?: string; originalUrl?: string }>(0);
    const response = host.getArgByIndex<unknown>(1);
    const adapter = this.httpAdapterHost?.httpAdapter ?? this.applicationRef;
    if (adapter && !adapter.isHeadersSent(response)) {
      const status = HttpStatus.INTERNAL_SERVER_ERROR;
      adapter.reply(response, { statusCode: status, message: 'Internal server error' }, status);
    } else {
      adapter?.end(response);
    }
    unexpectedErrors.error({
      msg: exception instanceof Error ? exception.message : 'unexpected error',
      req: { id: request?.id, method: request?.method, url: request?.originalUrl },
      err: exception,
    });
  }
}

const unexpectedErrors = new Logger('ExceptionsHandler');
const overload = new Logger('Database');

function setRetryAfter(host: ArgumentsHost, seconds: number): void {
  host
    .getArgByIndex<{ setHeader?: (name: string, value: string) => void }>(1)
    .setHeader?.('Retry-After', String(seconds));
}

function isRead(host: ArgumentsHost): boolean {
  const method = host.getArgByIndex<{ method?: string } | undefined>(0)?.method;
  return method === 'GET' || method === 'HEAD';
}

function firstLine(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return (typeof message === 'string' ? message : String(error)).split('\n')[0];
}

/** Errors of the http-errors kind (body-parser and friends) that Nest answers with their status. */
function isHttpError(error: unknown): boolean {
  const candidate = error as { statusCode?: unknown; message?: unknown } | null;
  return typeof candidate?.statusCode === 'number' && typeof candidate.message === 'string';
}

/** A 400's `message` is always an array of strings, whoever raised it. */
function withMessageList(exception: unknown): unknown {
  if (!(exception instanceof HttpException) || exception.getStatus() !== 400) return exception;
  const body = exception.getResponse();
  const response =
    typeof body === 'string' ? { statusCode: 400, error: 'Bad Request', message: body } : body;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return exception;
  return new HttpException({ ...response, message: [String(message)] }, 400, {
    cause: exception,
  });
}
