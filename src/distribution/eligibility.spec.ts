import { ConfiguredOperator, eligibleCandidates, ineligibilityReason } from './eligibility';

const operator = (overrides: Partial<ConfiguredOperator> = {}): ConfiguredOperator => ({
  operatorId: 1,
  operatorName: 'A',
  isActive: true,
  weight: 1,
  currentLoad: 0,
  maxLoad: 2,
  skills: [],
  ...overrides,
});

describe('eligibility', () => {
  it.each([
    [{}, null],
    [{ isActive: false }, 'inactive'],
    [{ weight: 0 }, 'zero_weight'],
    [{ currentLoad: 2, maxLoad: 2 }, 'at_capacity'],
    [{ currentLoad: 5, maxLoad: 2 }, 'at_capacity'],
    [{ currentLoad: 0, maxLoad: 0 }, 'at_capacity'],
    [{ currentLoad: 1, maxLoad: 2 }, null],
    [{ isActive: false, weight: 0, currentLoad: 9 }, 'inactive'],
  ])('%j → %p', (overrides, reason) => {
    expect(ineligibilityReason(operator(overrides))).toBe(reason);
  });

  it('keeps only eligible operators, ordered by id', () => {
    const operators = [
      operator({ operatorId: 5 }),
      operator({ operatorId: 2, isActive: false }),
      operator({ operatorId: 3 }),
      operator({ operatorId: 4, weight: 0 }),
      operator({ operatorId: 1, currentLoad: 2 }),
    ];
    expect(eligibleCandidates(operators).map((o) => o.operatorId)).toEqual([3, 5]);
  });
});
