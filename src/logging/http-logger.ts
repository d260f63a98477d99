import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import { observeResponses, type ResponseObserver } from '../common/response-observer';
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

const rootLoggers = new Map<string, Logger>();

/**
 * The root logger: JSON lines, or pino-pretty outside production (not under tests). One instance
 * per level and format, so main.ts (which needs it before Nest starts) and the logging module
 * share it and write to stdout through one stream.
 */
export function createRootLogger(config: AppConfig, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'lead-distribution-service' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  const pretty = !config.isProduction && config.NODE_ENV !== 'test';
  const key = `${config.LOG_LEVEL}:${pretty}`;
  let logger = rootLoggers.get(key);
  if (!logger) {
    logger = pretty
      ? pino({
          ...options,
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:standard', singleLine: true },
          },
        })
      : pino(options);
    rootLoggers.set(key, logger);
  }
  return logger;
}

/**
 * For the start and shutdown lines: at info, and still written at LOG_LEVEL=warn (two lines in a
 * process's life that say what runs where); LOG_LEVEL=error or fatal silences them too.
 */
export function lifecycleLogger(root: Logger): Logger {
  return root.isLevelEnabled('info') || !root.isLevelEnabled('warn')
    ? root
    : root.child({}, { level: 'info' });
}

type ExpressRequest = IncomingMessage & { route?: { path?: string }; id?: unknown };
type Level = 'debug' | 'info' | 'error';

/**
 * Sent by the console on its periodic background refresh: an answered one is logged at debug, so
 * an open console adds no info lines of its own (its live stream is one request).
 */
export const BACKGROUND_REFRESH_HEADER = 'x-background-refresh';

/**
 * The middleware, with the root logger it writes to (nestjs-pino writes Nest's lines there) and
 * its observer, for configureApp to mount with the other observers in one middleware.
 */
export type HttpLogger = ((
  request: ExpressRequest,
  response: ServerResponse,
  next: () => void,
) => void) & { logger: Logger; observer: ResponseObserver<ExpressRequest> };

const HEADERS_LOGGED = ['user-agent', 'authorization', 'x-api-key'] as const;

function serializeRequest(request: ExpressRequest) {
  // Only what helps; the credentials are kept to show that one was sent, then redacted.
  const headers: Record<string, unknown> = {};
  for (const key of HEADERS_LOGGED) {
    if (request.headers[key] !== undefined) headers[key] = request.headers[key];
  }
  return {
    id: request.id,
    method: request.method,
    url: (request as { originalUrl?: string }).originalUrl ?? request.url,
    remoteAddress: request.socket?.remoteAddress,
    headers,
  };
}

/**
 * One line per HTTP request when it finishes: method, url, route template, status, latency
 * (`responseTime`, ms) and the request id, which is taken from X-Request-Id or generated and
 * echoed in the response. Secrets in headers are redacted; bodies are never logged. A 5xx is
 * logged at error, the console's answered background refreshes at debug, everything else at
 * info, a response the client cut short ("request aborted") included.
 *
 * Below the level nothing is built: no child logger, no serializer, just the request id and one
 * `close` listener (pino-http builds two child loggers and serialises the request on every request,
 * whatever the level; at LOG_LEVEL=warn that was 6% of the service's CPU under load).
 */
export function createHttpLogger(logger: Logger): HttpLogger {
  const observer: ResponseObserver<ExpressRequest> = {
    started(request, response) {
      const given = request.headers['x-request-id'];
      const id =
        typeof given === 'string' && ACCEPTED_REQUEST_ID.test(given) ? given : randomUUID();
      request.id = id;
      response.setHeader(REQUEST_ID_HEADER, id);
    },
    finished(request, response, elapsedMs) {
      // Not finished: the client went away first (a closed console tab ending its
      // /events/stream, a load generator stopped mid-flight). That is the client's choice, not a
      // fault of the service: info, whatever status had been set. A 5xx sent in full is an error.
      const aborted = !response.writableFinished;
      const level: Level =
        !aborted && response.statusCode >= 500
          ? 'error'
          : !aborted && response.statusCode < 400 && request.headers[BACKGROUND_REFRESH_HEADER]
            ? 'debug'
            : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const route = request.route?.path;
      logger[level](
        {
          req: serializeRequest(request),
          ...(route ? { route } : {}),
          res: { statusCode: response.statusCode },
          responseTime: Math.round(elapsedMs),
        },
        aborted ? 'request aborted' : level === 'error' ? 'request errored' : 'request completed',
      );
    },
  };
  return Object.assign(observeResponses([observer]), { logger, observer });
}
