import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationShutdown,
} from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { MetricsService } from '../metrics/metrics.service';
import { lifecycleLogger, type HttpLogger } from './http-logger';
import { HTTP_LOGGER } from './logging.constants';

/**
 * Says why the service stops and what it was doing: the signal, and how many HTTP requests were
 * still in flight when it arrived (the server then stops accepting and lets them finish).
 */
@Injectable()
export class ShutdownLogger implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger: Logger;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(HTTP_LOGGER) httpLogger: HttpLogger,
  ) {
    this.logger = lifecycleLogger(httpLogger.logger).child({ context: 'Shutdown' });
  }

  beforeApplicationShutdown(signal?: string): void {
    this.logger.info(
      { signal: signal ?? null, inFlightRequests: this.metrics.inFlight },
      `Shutting down${signal ? ` on ${signal}` : ''}`,
    );
    flushSync(this.logger);
  }

  /** Flushed at once: Nest then re-raises the signal, which ends the process. */
  onApplicationShutdown(signal?: string): void {
    this.logger.info({ signal: signal ?? null }, 'Stopped');
    flushSync(this.logger);
  }
}

/** Writes out pino's buffered lines now (its stdout stream is asynchronous). */
export function flushSync(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, { flushSync?: () => void } | undefined>)[
    pino.symbols.streamSym
  ];
  try {
    stream?.flushSync?.();
  } catch {
    // Nothing buffered, or a stream that is not ready yet: nothing to flush.
  }
}
