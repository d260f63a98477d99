import { Injectable } from '@nestjs/common';
import { TransientConflict } from '../../database/transient-conflict';
import type { Tx } from '../../database/tx';
import type { SourceRules } from '../../distribution/distribution.service';
import { OperatorsRepository } from '../../operators/operators.repository';
import { SourcesRepository } from '../../sources/sources.repository';

/*
 * THE LOCK ORDER. Every write path takes row locks in this order, and only in this order, so no
 * two transactions can wait on each other in a cycle (PostgreSQL; SQLite runs one write
 * transaction at a time, and the functions below only read there):
 *
 *   1. requests   the request being changed (lockRequest), or an operator's active requests in
 *                 id order (release), or the requests offered to an operator in id order (a
 *                 change of the operator, which may withdraw those offers; an offer's expiry);
 *                 an offer row is never locked itself: its request's lock guards it;
 *   2. sources    every source the change may drain, in one statement, in id order, FOR NO KEY
 *                 UPDATE; an intake holds its one source in share mode instead (FOR SHARE, in
 *                 its first statement), so intakes do not wait for each other; then, for a
 *                 round-robin choice, the source's turn (an advisory lock on its id);
 *   3. operators  a change that may touch several operators (a drain, a move, a release, a
 *                 reopen) locks all of them in one statement, in id order, right after its
 *                 sources; an intake claims operators one at a time, and takes no lock after.
 *
 * A claim (the conditional UPDATE of current_load) that waited for another transaction and then
 * found no room keeps its row lock until the end, as PostgreSQL does for every UPDATE that
 * re-checks a row. So an intake's claim after a lost one must not wait: it is made with NOWAIT,
 * and a refusal runs the transaction again (TransactionRunner), never a wait in a cycle.
 *
 * Outside the order: lead rows (only intakes lock them, and an intake never waits for a lock that
 * a lead's holder could need), waiting rows taken by a drain (FOR UPDATE SKIP LOCKED never
 * waits), and rows a transaction inserts (nobody else can see them).
 *
 * Wake-ups. The insert of a waiting request and the freeing of room for it both hold the source's
 * lock: an intake holds it in share mode from its first statement, before it reads who has room,
 * and every change that frees a unit locks the sources its operator serves (FOR NO KEY UPDATE,
 * which conflicts with share) before it frees it. Whichever commits first, the other sees it.
 */

/** A weight change committed between reading an operator's sources and locking them: run again. */
export class LockSetChanged extends TransientConflict {
  constructor(operatorId: number) {
    super(`operator ${operatorId} was given another source meanwhile; the change runs again`);
  }
}

/**
 * Takes the lock order's steps 2 and 3; step 1 is RequestsRepository's (lockRequest, lockActiveOf,
 * lockOfferedTo).
 */
@Injectable()
export class LockOrderService {
  constructor(
    private readonly sources: SourcesRepository,
    private readonly operators: OperatorsRepository,
  ) {}

  /**
   * Steps 2 and 3 of the lock order: these sources, then the operators configured for them and
   * the named ones. Returns the sources' rules, read under their locks.
   */
  async lockSourcesAndOperators(
    tx: Tx,
    sourceIds: readonly number[],
    operatorIds: readonly number[] = [],
  ): Promise<SourceRules[]> {
    const sources = [...new Set(sourceIds)];
    const rules = await this.sources.lockRules(tx, sources);
    await this.operators.lockServingOrNamed(tx, sources, [...new Set(operatorIds)]);
    return rules;
  }

  /**
   * Before a change that may give an operator room (a freed unit, a raised max_load, an
   * activation): locks the sources it serves, plus `also`, then their operators and it. If a
   * weight change gave it another source between the read and the locks, the transaction runs
   * again (LockSetChanged), since that source can no longer be locked in order.
   */
  async lockForOperatorChange(
    tx: Tx,
    operatorId: number,
    also: { sources?: readonly number[]; operators?: readonly number[] } = {},
  ): Promise<SourceRules[]> {
    const served = await this.sources.servedBy(tx, operatorId);
    const rules = await this.lockSourcesAndOperators(
      tx,
      [...served, ...(also.sources ?? [])],
      [operatorId, ...(also.operators ?? [])],
    );
    if (tx.dialect === 'postgres') {
      const locked = new Set(rules.map((r) => r.id));
      const now = await this.sources.servedBy(tx, operatorId);
      if (now.some((id) => !locked.has(id))) throw new LockSetChanged(operatorId);
    }
    return rules;
  }
}
