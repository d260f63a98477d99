import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import { RequestLifecycleService } from '../requests/lifecycle/request-lifecycle.service';
import { WaitingWorkPass } from '../requests/lifecycle/waiting-work-pass';
import { RequestsRepository } from '../requests/requests.repository';
import { OffersRepository } from './offers.repository';
import { OffersService } from './offers.service';

/** Offers expired per pass at most; the next pass takes the rest. */
const BATCH = 100;

/**
 * Offer expiry: every OFFER_EXPIRY_INTERVAL_MS it reads the pending offers whose time is up (one
 * probe of a partial index that holds pending offers only, so an idle pass costs next to
 * nothing however many offers are pending) and expires each in its own transaction. Several
 * instances may run it: each step re-reads the offer under its request's lock, and the offer's
 * conditional update lets one of them end it.
 */
@Injectable()
export class OfferExpiryService extends WaitingWorkPass {
  constructor(
    config: AppConfig,
    requests: RequestsRepository,
    transactions: TransactionRunner,
    lifecycle: RequestLifecycleService,
    private readonly offers: OffersRepository,
    private readonly service: OffersService,
  ) {
    super(config, requests, transactions, lifecycle);
  }

  protected intervalMs(): number {
    return this.config.OFFER_EXPIRY_INTERVAL_MS;
  }

  /** One pass; returns how many offers it expired. */
  async tick(now = new Date()): Promise<number> {
    let expired = 0;
    for (const id of await this.offers.due(now, BATCH)) {
      if (await this.transactions.run((tx) => this.service.expire(tx, id, now))) expired++;
    }
    return expired;
  }
}
