import { Injectable } from '@nestjs/common';
import { WaitingWorkPass } from './waiting-work-pass';

/**
 * The safety net behind the drains that every change runs itself: every DRAIN_INTERVAL_MS it
 * drains each source that has waiting requests, one short transaction per source. Several
 * instances may sweep at once (see RequestLifecycleService.drainSources).
 */
@Injectable()
export class DrainSweepService extends WaitingWorkPass {
  protected intervalMs(): number {
    return this.config.DRAIN_INTERVAL_MS;
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
