import fc from 'fast-check';
import { ConfiguredOperator, eligibleCandidates, ineligibilityReason } from '../eligibility';
import type { OperatorSelectionStrategy } from './operator-selection.strategy';
import { WeightedLeastLoadedStrategy } from './weighted-least-loaded.strategy';
import { WeightedRandomStrategy } from './weighted-random.strategy';
import { WeightedRoundRobinStrategy } from './weighted-round-robin.strategy';

const operatorArb = fc.record({
  operatorId: fc.integer({ min: 1, max: 50 }),
  operatorName: fc.constant('x'),
  isActive: fc.boolean(),
  weight: fc.integer({ min: 0, max: 10 }),
  currentLoad: fc.integer({ min: 0, max: 5 }),
  offeredLoad: fc.constant(0),
  maxLoad: fc.integer({ min: 0, max: 5 }),
  skills: fc.constant([] as string[]),
  presence: fc.constantFrom('available' as const, 'away' as const, 'offline' as const),
  schedule: fc.constant(null),
});

describe('every strategy', () => {
  const strategies = (draw: number): OperatorSelectionStrategy[] => [
    new WeightedRandomStrategy(() => draw),
    new WeightedRoundRobinStrategy(),
    new WeightedLeastLoadedStrategy(),
  ];

  it('never picks an ineligible operator (inactive, zero weight, at capacity) (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(operatorArb, { maxLength: 12, selector: (o) => o.operatorId }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: -20, max: 20 }))),
        (configured: ConfiguredOperator[], draw, state) => {
          const candidates = eligibleCandidates(configured);
          if (candidates.length === 0) return true;
          return strategies(draw).every((strategy) => {
            const { operatorId } = strategy.select(candidates, new Map(state));
            const chosen = configured.find((o) => o.operatorId === operatorId);
            return chosen !== undefined && ineligibilityReason(chosen) === null;
          });
        },
      ),
    );
  });
});
