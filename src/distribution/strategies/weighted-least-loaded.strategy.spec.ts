import fc from 'fast-check';
import type { Candidate } from './operator-selection.strategy';
import { compareScores, WeightedLeastLoadedStrategy } from './weighted-least-loaded.strategy';

const candidate = (operatorId: number, weight: number, currentLoad: number): Candidate => ({
  operatorId,
  weight,
  currentLoad,
  maxLoad: 100,
});

describe(WeightedLeastLoadedStrategy.name, () => {
  const sut = new WeightedLeastLoadedStrategy();

  it.each([
    // (load + 1) / weight: 1/1, 5/2, 1/3 → operator 3
    [[candidate(1, 1, 0), candidate(2, 2, 4), candidate(3, 3, 0)], 3],
    // an idle operator before a busy heavier one: 1/1 < 6/3
    [[candidate(1, 1, 0), candidate(2, 3, 5)], 1],
    // equal scores 2/2 = 1/1: the higher weight wins
    [[candidate(1, 1, 0), candidate(2, 2, 1)], 2],
    // equal scores and weights: the lower id wins
    [[candidate(4, 2, 1), candidate(5, 2, 1)], 4],
    [[candidate(5, 2, 1), candidate(4, 2, 1)], 4],
  ])('%j → operator %p', (candidates, expected) => {
    expect(sut.select(candidates).operatorId).toBe(expected);
  });

  it('reports every candidate’s score as evidence', () => {
    expect(sut.select([candidate(1, 2, 3), candidate(2, 4, 0)]).explain()).toEqual({
      scores: [
        { operator_id: 1, current_load: 3, weight: 2, score: 2 },
        { operator_id: 2, current_load: 0, weight: 4, score: 0.25 },
      ],
    });
  });

  it('always picks a minimiser of (load + 1) / weight, then the heaviest, then the lowest id (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            operatorId: fc.integer({ min: 1, max: 1000 }),
            weight: fc.integer({ min: 1, max: 1_000_000 }),
            currentLoad: fc.integer({ min: 0, max: 100_000 }),
          }),
          { minLength: 1, maxLength: 20, selector: (c) => c.operatorId },
        ),
        (list) => {
          const candidates = list.map((c) => candidate(c.operatorId, c.weight, c.currentLoad));
          const chosen = candidates.find(
            (c) => c.operatorId === sut.select(candidates).operatorId,
          )!;
          return candidates.every((other) => {
            const order = compareScores(chosen, other);
            if (order !== 0) return order < 0;
            if (chosen.weight !== other.weight) return chosen.weight > other.weight;
            return chosen.operatorId <= other.operatorId;
          });
        },
      ),
    );
  });
});
