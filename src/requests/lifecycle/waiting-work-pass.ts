import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { PeriodicTask } from '../../common/periodic-task';
import { AppConfig } from '../../config/app-config';
import { TransactionRunner } from '../../database/transaction-runner';
import { RequestsRepository } from '../requests.repository';
import { RequestLifecycleService } from './request-lifecycle.service';

/**
 * A background pass over waiting work (the drain sweep, the skill fallback): tick() every
 * intervalMs() of the config, one pass at a time, stopped at shutdown. Tests call tick() directly.
 */
// Injectable: its constructor's parameter types are what the subclasses are built with.
@Injectable()
export abstract class WaitingWorkPass implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task = new PeriodicTask(
    new Logger(this.constructor.name),
    this.constructor.name,
    () => this.tick(),
  );

  constructor(
    protected readonly config: AppConfig,
    protected readonly requests: RequestsRepository,
    protected readonly transactions: TransactionRunner,
    protected readonly lifecycle: RequestLifecycleService,
  ) {}

  /** One pass; returns how many requests it changed. */
  abstract tick(): Promise<number>;

  /** The pass's interval from the config (0: off). */
  protected abstract intervalMs(): number;

  onApplicationBootstrap(): void {
    this.task.start(this.intervalMs());
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
