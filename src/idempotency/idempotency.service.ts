import {
  Injectable,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ConflictError } from '../common/conflict';
import type { Tx } from '../database/tx';
import { AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { digestsEqual } from '../auth/api-keys';
import { IdempotencyKey } from './entities/idempotency-key.entity';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

export type IdempotencyClaim =
  { kind: 'claimed'; id: number } | { kind: 'replay'; statusCode: number; body: unknown };

export interface IdempotencyRequest {
  /** The caller (API key id, or `anonymous`): keys of different callers never collide. */
  scope: string;
  key: string;
  bodyHash: string;
}

/** A claim still in flight after this long is taken as abandoned (its process died). */
export const ABANDONED_CLAIM_MS = 60_000;
const PURGE_EVERY_MS = 15 * 60_000;
const MAX_CLAIM_ATTEMPTS = 5;

/**
 * Idempotency-Key for POST /requests, after the IETF draft and Stripe's rules.
 *
 * 1. `claim` inserts (scope, key) in its own short transaction. The unique index decides between
 *    concurrent claimers, in one process or many: exactly one wins; the others read the row and
 *    get 422 (another body), 409 (still in flight) or the stored response (replay).
 * 2. The winner's request transaction calls `complete`, which stores the response in the same
 *    transaction as the request: either both are committed or neither is.
 * 3. When the request fails (4xx such as an unknown source, or 5xx) `release` deletes the claim,
 *    so a corrected retry with the same key can proceed; only successes are remembered.
 * Rows older than IDEMPOTENCY_TTL_HOURS are ignored at once and purged periodically.
 */
@Injectable()
export class IdempotencyService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyService.name);
  private readonly ttlMs: number;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly keys: IdempotencyKeysRepository,
    private readonly transactions: TransactionRunner,
    config: AppConfig,
  ) {
    this.ttlMs = config.IDEMPOTENCY_TTL_HOURS * 3_600_000;
  }

  onModuleInit(): void {
    this.purgeTimer = setInterval(
      () => {
        this.purgeExpired().catch((error: unknown) =>
          this.logger.warn(`idempotency purge failed: ${String(error)}`),
        );
      },
      Math.min(this.ttlMs, PURGE_EVERY_MS),
    );
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  async claim({ scope, key, bodyHash }: IdempotencyRequest): Promise<IdempotencyClaim> {
    for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
      const now = new Date();
      try {
        const id = await this.transactions.run((tx) =>
          this.keys.insertClaim(tx, { scope, key, bodyHash, createdAt: now }),
        );
        return { kind: 'claimed', id };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }

      const existing = await this.keys.find(scope, key);
      if (!existing) continue; // released since our insert failed: try again
      const age = now.getTime() - existing.createdAt.getTime();
      const abandoned = existing.statusCode === null && age > ABANDONED_CLAIM_MS;
      if (age > this.ttlMs || abandoned) {
        await this.forget(existing);
        continue;
      }
      if (!digestsEqual(existing.bodyHash, bodyHash)) {
        throw new UnprocessableEntityException(
          'this Idempotency-Key was already used with a different body',
        );
      }
      if (existing.statusCode === null || existing.response === null) {
        throw new ConflictError(
          'IDEMPOTENCY_CONTENDED',
          'a request with this Idempotency-Key is still being processed; retry later',
        );
      }
      return {
        kind: 'replay',
        statusCode: existing.statusCode,
        body: JSON.parse(existing.response) as unknown,
      };
    }
    throw new ConflictError(
      'IDEMPOTENCY_CONTENDED',
      'this Idempotency-Key is contended; retry later',
    );
  }

  /** Stores the response with the claim, inside the caller's (the request's) transaction. */
  async complete(tx: Tx, claimId: number, statusCode: number, body: unknown): Promise<void> {
    if (!(await this.keys.storeResponse(tx, claimId, statusCode, JSON.stringify(body)))) {
      // Taken as abandoned by another caller meanwhile: roll back rather than create twice.
      throw new ConflictError(
        'IDEMPOTENCY_EXPIRED',
        'the Idempotency-Key claim expired; retry the request',
      );
    }
  }

  /** Gives the key back after a failed request, so that a corrected retry can use it. */
  async release(claimId: number): Promise<void> {
    try {
      await this.transactions.run((tx) => this.keys.deleteInFlight(tx, claimId));
    } catch (error) {
      // The claim then expires as abandoned after ABANDONED_CLAIM_MS.
      this.logger.warn(`could not release idempotency claim ${claimId}: ${String(error)}`);
    }
  }

  /** Deletes every key older than the TTL; returns how many. */
  async purgeExpired(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.ttlMs);
    return this.transactions.run((tx) => this.keys.deleteCreatedBefore(tx, cutoff));
  }

  /** Deletes this very row (if unchanged), so that a stale or abandoned key can be claimed again. */
  private async forget(row: IdempotencyKey): Promise<void> {
    await this.transactions.run((tx) => this.keys.deleteUnchanged(tx, row));
  }
}
