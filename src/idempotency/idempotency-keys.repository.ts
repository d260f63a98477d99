import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Tx } from '../database/tx';
import { IdempotencyKey } from './entities/idempotency-key.entity';

/** idempotency_keys: one row per (scope, key), unique; `status_code` null while in flight. */
@Injectable()
export class IdempotencyKeysRepository {
  constructor(
    @InjectRepository(IdempotencyKey) private readonly keys: Repository<IdempotencyKey>,
  ) {}

  /**
   * Inserts an in-flight claim and returns its id. The unique index on (scope, key) refuses a
   * second claim of the same key (a unique violation).
   */
  async insertClaim(
    tx: Tx,
    claim: Pick<IdempotencyKey, 'scope' | 'key' | 'bodyHash' | 'createdAt'>,
  ): Promise<number> {
    const inserted = await tx.manager.insert(IdempotencyKey, {
      scope: claim.scope,
      key: claim.key,
      bodyHash: claim.bodyHash,
      statusCode: null,
      response: null,
      createdAt: claim.createdAt,
    });
    return Number(inserted.identifiers[0].id);
  }

  /** The key's row as committed, or null. */
  find(scope: string, key: string): Promise<IdempotencyKey | null> {
    return this.keys.findOneBy({ scope, key });
  }

  /** Stores the response on the claim if it is still in flight; false when it is not. */
  async storeResponse(
    tx: Tx,
    claimId: number,
    statusCode: number,
    response: string,
  ): Promise<boolean> {
    const updated = await tx.manager
      .createQueryBuilder()
      .update(IdempotencyKey)
      .set({ statusCode, response })
      .where('id = :claimId AND status_code IS NULL', { claimId })
      .execute();
    return updated.affected === 1;
  }

  /** Deletes the claim if it is still in flight (a completed one stays). */
  async deleteInFlight(tx: Tx, claimId: number): Promise<void> {
    await tx.manager
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKey)
      .where('id = :claimId AND status_code IS NULL', { claimId })
      .execute();
  }

  /** Deletes every key created before `cutoff`; returns how many. */
  async deleteCreatedBefore(tx: Tx, cutoff: Date): Promise<number> {
    const deleted = await tx.manager
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKey)
      .where('created_at < :cutoff', { cutoff })
      .execute();
    return deleted.affected ?? 0;
  }

  /** Deletes this very row if it is still in flight, or still completed, as when it was read. */
  async deleteUnchanged(tx: Tx, row: Pick<IdempotencyKey, 'id' | 'statusCode'>): Promise<void> {
    await tx.manager
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKey)
      .where('id = :id', { id: row.id })
      .andWhere(row.statusCode === null ? 'status_code IS NULL' : 'status_code IS NOT NULL')
      .execute();
  }
}
