import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { readerQuery } from '../../database/raw-query';
import { TransactionRunner } from '../../database/transaction-runner';
import { RequestLifecycleService } from './request-lifecycle.service';
import { SOURCES_WITH_WAITING } from './waiting-queue.service';

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
    private readonly reader: DataSource,
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
    const rows = await readerQuery(this.reader.manager).query<{ sourceId: number }>(
      SOURCES_WITH_WAITING,
    );
    let assigned = 0;
    for (const { sourceId } of rows) {
      assigned += await this.transactions.run((tx) =>
        this.lifecycle.drainSources(tx, [Number(sourceId)]),
      );
    }
    return assigned;
  }
}
