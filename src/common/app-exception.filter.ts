import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';

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
 * ({statusCode, error, message}) and keeps them out of the error log, and makes every 400's
 * `message` a list of strings; anything unexpected still becomes a logged, generic 500.
 */
@Catch()
export class AppExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (isClientHttpError(exception)) {
      const { statusCode, message } = exception;
      const error = STATUS_CODES[statusCode] ?? 'Error';
      exception = new HttpException({ statusCode, error, message }, statusCode);
    }
    super.catch(withMessageList(exception), host);
  }
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
