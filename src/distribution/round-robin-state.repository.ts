import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/tx';
import { RoundRobinState } from './entities/round-robin-state.entity';

// pg_advisory_xact_lock(key1, key2): key1 says whose lock it is, key2 the source.
const ROUND_ROBIN_TURN = 0x5252;
const TAKE_TURN = 'SELECT pg_advisory_xact_lock(?, ?)';

/** Each round-robin source's sequence position per operator (round_robin_state). */
@Injectable()
export class RoundRobinStateRepository {
  /**
   * A round-robin source's turn (PostgreSQL): intakes hold their source's lock in share mode
   * together, so its state is serialised by a transaction-scoped advisory lock on the source id,
   * taken after the source's lock and before any operator's (lock-order.service.ts).
   */
  async takeTurn(tx: Tx, sourceId: number): Promise<void> {
    if (tx.dialect === 'postgres') await tx.query(TAKE_TURN, [ROUND_ROBIN_TURN, sourceId]);
  }

  /** Restarts the source's sequence. */
  async reset(tx: Tx, sourceId: number): Promise<void> {
    await tx.manager.delete(RoundRobinState, { sourceId });
  }

  /** One statement for every changed value: insert or overwrite (SQLite and PostgreSQL). */
  async save(tx: Tx, sourceId: number, values: ReadonlyMap<number, number>): Promise<void> {
    if (values.size === 0) return;
    await tx.manager
      .createQueryBuilder()
      .insert()
      .into(RoundRobinState)
      .values(
        [...values].map(([operatorId, currentValue]) => ({ sourceId, operatorId, currentValue })),
      )
      .orUpdate(['current_value'], ['source_id', 'operator_id'])
      .execute();
  }
}
