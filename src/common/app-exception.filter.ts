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
 * Gives middleware errors Nest's standard body ({statusCode, error, message}) and keeps them out
 * of the error log; anything unexpected still becomes a logged, generic 500.
 */
@Catch()
export class AppExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (isClientHttpError(exception)) {
      const { statusCode, message } = exception;
      const error = STATUS_CODES[statusCode] ?? 'Error';
      super.catch(new HttpException({ statusCode, error, message }, statusCode), host);
      return;
    }
    super.catch(exception, host);
  }
}
