import { Inject, Injectable } from '@nestjs/common';
import { RANDOM, type RandomSource } from '../distribution.constants';
import {
  assertCandidates,
  type Candidate,
  type OperatorSelectionStrategy,
  type Selection,
} from './operator-selection.strategy';

/** P(operator) = weight / sum of eligible weights (the seed's algorithm). */
@Injectable()
export class WeightedRandomStrategy implements OperatorSelectionStrategy {
  readonly name = 'weighted-random';
  readonly description = 'Each eligible operator is picked with probability weight / total weight.';
  readonly stateful = false;
  readonly readsLoad = false;

  constructor(@Inject(RANDOM) private readonly random: RandomSource) {}

  select(candidates: readonly Candidate[]): Selection {
    assertCandidates(candidates);
    const total = candidates.reduce((sum, c) => sum + c.weight, 0);
    const draw = this.random();
    let point = draw * total;
    // Floating-point rounding can leave point at ~0 after the last weight.
    let chosen = candidates[candidates.length - 1];
    for (const candidate of candidates) {
      point -= candidate.weight;
      if (point < 0) {
        chosen = candidate;
        break;
      }
    }
    return {
      operatorId: chosen.operatorId,
      explain: () => ({
        random_draw: draw,
        total_weight: total,
        point: draw * total,
        probabilities: candidates.map((c) => ({
          operator_id: c.operatorId,
          probability: c.weight / total,
        })),
      }),
    };
  }
}
