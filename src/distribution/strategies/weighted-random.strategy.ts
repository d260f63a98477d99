import { Inject, Injectable } from '@nestjs/common';
import { RANDOM, type RandomSource } from '../distribution.constants';
import type { StrategyName } from './strategy-names';
import type { Candidate, OperatorSelectionStrategy } from './operator-selection.strategy';

/** P(operator) = weight / sum of eligible weights (the seed's algorithm). */
@Injectable()
export class WeightedRandomStrategy implements OperatorSelectionStrategy {
  readonly name: StrategyName = 'weighted-random';
  readonly description = 'Each eligible operator is picked with probability weight / total weight.';

  constructor(@Inject(RANDOM) private readonly random: RandomSource) {}

  select(candidates: readonly Candidate[]): Candidate {
    if (candidates.length === 0) throw new Error('select() needs at least one candidate');
    const total = candidates.reduce((sum, c) => sum + c.weight, 0);
    let point = this.random() * total;
    for (const candidate of candidates) {
      point -= candidate.weight;
      if (point < 0) return candidate;
    }
    // Floating-point rounding can leave point at ~0 after the last weight.
    return candidates[candidates.length - 1];
  }
}
