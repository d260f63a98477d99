import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Operator } from '../operators/entities/operator.entity';
import { OperatorSourceWeight } from '../sources/entities/operator-source-weight.entity';
import { OPERATOR_SELECTION_STRATEGY } from './distribution.constants';
import { ConfiguredOperator, eligibleCandidates } from './eligibility';
import type { OperatorSelectionStrategy } from './strategies/operator-selection.strategy';

export interface Assignment {
  operatorId: number;
  operatorName: string;
}

@Injectable()
export class DistributionService {
  constructor(
    @Inject(OPERATOR_SELECTION_STRATEGY) private readonly strategy: OperatorSelectionStrategy,
  ) {}

  /**
   * Chooses an operator for a new request of the source and claims one unit of its capacity,
   * inside the caller's transaction. Returns null when nobody can take it.
   */
  async assign(manager: EntityManager, sourceId: number): Promise<Assignment | null> {
    let candidates = eligibleCandidates(await this.configuredOperators(manager, sourceId));
    while (candidates.length > 0) {
      const chosen = this.strategy.select(candidates);
      if (await this.claimCapacity(manager, chosen.operatorId)) {
        const { operatorName } = candidates.find((c) => c.operatorId === chosen.operatorId)!;
        return { operatorId: chosen.operatorId, operatorName };
      }
      // Another instance took its last unit since we read it: choose among the rest.
      candidates = candidates.filter((c) => c.operatorId !== chosen.operatorId);
    }
    return null;
  }

  /**
   * The capacity check and the increment are one statement, so no interleaving can push an
   * operator past max_load; on PostgreSQL a concurrent updater waits and re-checks the WHERE.
   */
  async claimCapacity(
    manager: EntityManager,
    operatorId: number,
    requireActive = true,
  ): Promise<boolean> {
    const query = manager
      .createQueryBuilder()
      .update(Operator)
      .set({ currentLoad: () => 'current_load + 1' })
      .where('id = :operatorId', { operatorId })
      .andWhere('current_load < max_load');
    if (requireActive) query.andWhere('is_active = :active', { active: true });
    const result = await query.execute();
    return result.affected === 1;
  }

  async releaseCapacity(manager: EntityManager, operatorId: number): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(Operator)
      .set({ currentLoad: () => 'current_load - 1' })
      .where('id = :operatorId', { operatorId })
      .execute();
  }

  private async configuredOperators(
    manager: EntityManager,
    sourceId: number,
  ): Promise<ConfiguredOperator[]> {
    const rows = await manager
      .createQueryBuilder(OperatorSourceWeight, 'w')
      .innerJoin(Operator, 'o', 'o.id = w.operator_id')
      .select([
        'o.id AS "operatorId"',
        'o.name AS "operatorName"',
        'o.is_active AS "isActive"',
        'o.current_load AS "currentLoad"',
        'o.max_load AS "maxLoad"',
        'w.weight AS "weight"',
      ])
      .where('w.source_id = :sourceId', { sourceId })
      .orderBy('o.id', 'ASC')
      .getRawMany<ConfiguredOperator>();
    // SQLite returns booleans as 0/1.
    return rows.map((row) => ({ ...row, isActive: Boolean(row.isActive) }));
  }
}
