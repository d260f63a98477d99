import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { PeriodicTask } from '../../common/periodic-task';
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
  private readonly task = new PeriodicTask(new Logger(DrainSweepService.name), 'drain sweep', () =>
    this.tick(),
  );

  constructor(
    private readonly config: AppConfig,
    private readonly requests: RequestsRepository,
    private readonly transactions: TransactionRunner,
    private readonly lifecycle: RequestLifecycleService,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.DRAIN_INTERVAL_MS);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
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
