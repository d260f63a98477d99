import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { TransactionRunner } from '../../database/transaction-runner';
import { RequestLifecycleService } from './request-lifecycle.service';
import { RequestsRepository } from '../requests.repository';

/**
 * The safety net behind the drains that every change runs itself: every DRAIN_INTERVAL_MS it
 * drains each source that has waiting requests, one short transaction per source. Several
 * instances may sweep at once (see RequestLifecycleService.drainSources).
 */
@Injectable()
export class DrainSweepService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DrainSweepService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly config: AppConfig,
    private readonly requests: RequestsRepository,
    private readonly transactions: TransactionRunner,
    private readonly lifecycle: RequestLifecycleService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.DRAIN_INTERVAL_MS === 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .catch((error: unknown) => {
          this.logger.warn(`drain sweep failed: ${String(error)}`);
          return 0;
        })
        .finally(() => (this.running = undefined));
    }, this.config.DRAIN_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep; returns how many requests it assigned. */
  async tick(): Promise<number> {
    let assigned = 0;
    for (const sourceId of await this.requests.sourcesWithWaiting()) {
      assigned += await this.transactions.run((tx) => this.lifecycle.drainSources(tx, [sourceId]));
    }
    return assigned;
  }
}
