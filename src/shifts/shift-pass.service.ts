import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import { OperatorStateService } from '../operators/operator-state.service';
import { OperatorsRepository } from '../operators/operators.repository';
import { RequestLifecycleService } from '../requests/lifecycle/request-lifecycle.service';
import { WaitingWorkPass } from '../requests/lifecycle/waiting-work-pass';
import { RequestsRepository } from '../requests/requests.repository';

/** Operators handled per pass at most; the next pass takes the rest. */
const BATCH = 100;

/**
 * Shift changes: every SHIFT_INTERVAL_MS it finds the operators whose next_shift_change_at has
 * come (an indexed read), and for each, in its own transaction, records the change, stores the
 * next one and drains its sources, so a shift start takes waiting work within the interval.
 * on_shift itself is never stored: eligibility evaluates the schedule at the time it chooses.
 * Several instances may run it: each step re-reads the operator under its lock.
 */
@Injectable()
export class ShiftPassService extends WaitingWorkPass {
  constructor(
    config: AppConfig,
    requests: RequestsRepository,
    transactions: TransactionRunner,
    lifecycle: RequestLifecycleService,
    private readonly operators: OperatorsRepository,
    private readonly state: OperatorStateService,
  ) {
    super(config, requests, transactions, lifecycle);
  }

  protected intervalMs(): number {
    return this.config.SHIFT_INTERVAL_MS;
  }

  /** One pass; returns how many operators' shifts it moved on. */
  async tick(now = new Date()): Promise<number> {
    let changed = 0;
    for (const id of await this.operators.shiftChangesDue(now, BATCH)) {
      if (await this.transactions.run((tx) => this.state.passShiftChange(tx, id, now))) changed++;
    }
    return changed;
  }
}
