import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
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
  }

  onApplicationShutdown(signal?: string): void {
    this.logger.info({ signal: signal ?? null }, 'Stopped');
  }
}
