import { Injectable } from '@nestjs/common';
import {
  assertCandidates,
  type Candidate,
  type OperatorSelectionStrategy,
  type Selection,
} from './operator-selection.strategy';

/**
 * a's score (current_load + 1) / weight compared with b's, exactly: cross-multiplied integers
 * (at most 100001 × 1000000), so equal scores tie instead of differing by rounding.
 */
export function compareScores(a: Candidate, b: Candidate): number {
  return (a.currentLoad + 1) * b.weight - (b.currentLoad + 1) * a.weight;
}

/**
 * The eligible operator with the smallest (current_load + 1) / weight; ties: higher weight,
 * then lower id. Weights still set the share, but an idle operator is served before a busy one.
 */
@Injectable()
export class WeightedLeastLoadedStrategy implements OperatorSelectionStrategy {
  readonly name = 'weighted-least-loaded';
  readonly description =
    'The eligible operator with the smallest (current_load + 1) / weight; ties: higher weight, then lower id.';
  readonly stateful = false;
  readonly readsLoad = true;

  select(candidates: readonly Candidate[]): Selection {
    assertCandidates(candidates);
    let best = candidates[0];
    for (const c of candidates.slice(1)) {
      const order =
        compareScores(c, best) || best.weight - c.weight || c.operatorId - best.operatorId;
      if (order < 0) best = c;
    }
    return {
      operatorId: best.operatorId,
      explain: () => ({
        scores: candidates.map((c) => ({
          operator_id: c.operatorId,
          current_load: c.currentLoad,
          weight: c.weight,
          score: (c.currentLoad + 1) / c.weight,
        })),
      }),
    };
  }
}
