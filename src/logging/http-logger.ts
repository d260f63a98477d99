import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { AppConfig } from '../config/app-config';

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** A caller's request id is kept when it is short and plain; otherwise a UUID replaces it. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Never written to a log, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'key',
  '*.key',
];

/** The root logger: JSON lines, or pino-pretty outside production (not under tests). */
export function createRootLogger(config: AppConfig, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'lead-distribution-service' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  const pretty = !config.isProduction && config.NODE_ENV !== 'test';
  return pretty
    ? pino({
        ...options,
        transport: {
          target: 'pino-pretty',
          options: { translateTime: 'SYS:standard', singleLine: true },
        },
      })
    : pino(options);
}

interface SerializedRequest {
  id: unknown;
  method: string;
  url: string;
  remoteAddress?: string;
  headers: Record<string, unknown>;
}

const pick = (from: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.filter((key) => from[key] !== undefined).map((key) => [key, from[key]]));

type ExpressRequest = IncomingMessage & { route?: { path?: string }; id?: unknown };

/**
 * One line per HTTP request when it finishes: method, url, route template, status, latency
 * (`responseTime`, ms) and the request id, which is taken from X-Request-Id or generated and
 * echoed in the response. Secrets in headers are redacted; bodies are never logged.
 */
export function createHttpLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: (request: IncomingMessage, response: ServerResponse) => {
      const given = request.headers['x-request-id'];
      const id =
        typeof given === 'string' && ACCEPTED_REQUEST_ID.test(given) ? given : randomUUID();
      response.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    customProps: (request: IncomingMessage) => {
      const route = (request as ExpressRequest).route?.path;
      return route ? { route } : {};
    },
    // For a 5xx without an exception pino-http invents an Error whose stack is its own: drop it.
    // Real exceptions are logged by Nest's handler, with this request id.
    customErrorObject: (_request, response, error, value: Record<string, unknown>) => {
      if (error.message !== `failed with status code ${response.statusCode}`) return value;
      return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'err'));
    },
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : 'info',
    serializers: {
      req: (request: SerializedRequest) => ({
        id: request.id,
        method: request.method,
        url: request.url,
        remoteAddress: request.remoteAddress,
        // Only what helps; the credentials are kept to show that one was sent, then redacted.
        headers: pick(request.headers, ['user-agent', 'authorization', 'x-api-key']),
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
  });
}
