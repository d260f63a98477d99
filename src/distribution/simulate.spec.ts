import type { ConfiguredOperator } from './eligibility';
import { simulate } from './simulate';
import { WeightedLeastLoadedStrategy } from './strategies/weighted-least-loaded.strategy';
import { WeightedRandomStrategy } from './strategies/weighted-random.strategy';
import { WeightedRoundRobinStrategy } from './strategies/weighted-round-robin.strategy';

const operator = (
  operatorId: number,
  weight: number,
  overrides: Partial<ConfiguredOperator> = {},
): ConfiguredOperator => ({
  operatorId,
  operatorName: `op${operatorId}`,
  isActive: true,
  skills: [],
  presence: 'available',
  schedule: null,
  weight,
  currentLoad: 0,
  offeredLoad: 0,
  maxLoad: 1_000_000,
  ...overrides,
});

describe('simulate', () => {
  it('splits round-robin exactly by weight', () => {
    const { counts, unassigned } = simulate(
      new WeightedRoundRobinStrategy(),
      [operator(1, 1), operator(2, 2), operator(3, 3)],
      600,
    );
    expect(Object.fromEntries(counts)).toEqual({ 1: 100, 2: 200, 3: 300 });
    expect(unassigned).toBe(0);
  });

  it('adds each assignment to the simulated load and leaves the rest unassigned', () => {
    const { counts, unassigned } = simulate(
      new WeightedLeastLoadedStrategy(),
      [
        operator(1, 1, { maxLoad: 3, currentLoad: 1 }),
        operator(2, 5, { maxLoad: 4 }),
        operator(3, 9, { isActive: false }),
        operator(4, 0),
      ],
      10,
    );
    expect(Object.fromEntries(counts)).toEqual({ 1: 2, 2: 4, 3: 0, 4: 0 });
    expect(unassigned).toBe(4);
  });

  it('follows least-loaded: an idle operator first, then by weight', () => {
    const { counts } = simulate(
      new WeightedLeastLoadedStrategy(),
      [operator(1, 1, { currentLoad: 0 }), operator(2, 3, { currentLoad: 9 })],
      8,
    );
    // Scores op1 (n+1)/1 vs op2 (10+m)/3: 1 2 3 < 3.33 → op1 ×3; then 4 > 3.33, 3.67 → op2 ×2;
    // 4 = 4 → op2 (heavier); 4 < 4.33 → op1; 5 > 4.33 → op2.
    expect(Object.fromEntries(counts)).toEqual({ 1: 4, 2: 4 });
  });

  it('continues round-robin from the given state', () => {
    const initial = new Map([
      [1, -1],
      [2, 1],
    ]);
    const { counts } = simulate(
      new WeightedRoundRobinStrategy(),
      [operator(1, 1), operator(2, 1)],
      1,
      initial,
    );
    expect(counts.get(2)).toBe(1);
    expect(initial.get(1)).toBe(-1); // the caller's state is not modified
  });

  it('draws random picks with the injected source', () => {
    const { counts } = simulate(
      new WeightedRandomStrategy(() => 0.99),
      [operator(1, 1), operator(2, 1)],
      5,
    );
    expect(counts.get(2)).toBe(5);
  });

  describe("capacity: 'ignore'", () => {
    const full = () => [
      operator(1, 1, { maxLoad: 1, currentLoad: 1 }),
      operator(2, 3, { maxLoad: 2, currentLoad: 1 }),
      operator(3, 5, { isActive: false }),
      operator(4, 0),
    ];

    it('splits by weight alone: full operators take part, everything is assigned', () => {
      const { counts, unassigned } = simulate(
        new WeightedRoundRobinStrategy(),
        full(),
        1000,
        new Map(),
        'ignore',
      );
      expect(Object.fromEntries(counts)).toEqual({ 1: 250, 2: 750, 3: 0, 4: 0 });
      expect(unassigned).toBe(0);
    });

    it('starts least-loaded from empty loads, so its shares follow the weights', () => {
      const { counts } = simulate(
        new WeightedLeastLoadedStrategy(),
        [operator(1, 1, { currentLoad: 0 }), operator(2, 3, { currentLoad: 9, maxLoad: 9 })],
        8,
        new Map(),
        'ignore',
      );
      expect(Object.fromEntries(counts)).toEqual({ 1: 2, 2: 6 });
    });

    it('leaves everything unassigned when nobody active has weight', () => {
      const { counts, unassigned } = simulate(
        new WeightedRoundRobinStrategy(),
        [operator(1, 1, { isActive: false }), operator(2, 0)],
        10,
        new Map(),
        'ignore',
      );
      expect(Object.fromEntries(counts)).toEqual({ 1: 0, 2: 0 });
      expect(unassigned).toBe(10);
    });

    it("keeps 'current' as the default: the same full operators leave work unassigned", () => {
      const { counts, unassigned } = simulate(new WeightedRoundRobinStrategy(), full(), 1000);
      expect(Object.fromEntries(counts)).toEqual({ 1: 0, 2: 1, 3: 0, 4: 0 });
      expect(unassigned).toBe(999);
    });
  });

  describe('with a skill requirement', () => {
    const team = () => [
      operator(1, 1, { skills: ['de'] }),
      operator(2, 2, { skills: ['de', 'vip'] }),
      operator(3, 3),
      operator(4, 4, { skills: ['vip'] }),
    ];

    it('gives nothing to operators without the skills', () => {
      const { counts, unassigned } = simulate(
        new WeightedRoundRobinStrategy(),
        team(),
        300,
        new Map(),
        'current',
        { skills: ['de'], relaxed: false },
      );
      expect(Object.fromEntries(counts)).toEqual({ 1: 100, 2: 200, 3: 0, 4: 0 });
      expect(unassigned).toBe(0);
    });

    it('leaves the work unassigned when nobody has every skill', () => {
      const { counts, unassigned } = simulate(
        new WeightedRoundRobinStrategy(),
        team(),
        10,
        new Map(),
        'ignore',
        { skills: ['billing'], relaxed: false },
      );
      expect(Object.fromEntries(counts)).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0 });
      expect(unassigned).toBe(10);
    });

    it('shares by weight alone once relaxed', () => {
      const { counts } = simulate(
        new WeightedRoundRobinStrategy(),
        team(),
        100,
        new Map(),
        'ignore',
        {
          skills: ['billing'],
          relaxed: true,
        },
      );
      expect(Object.fromEntries(counts)).toEqual({ 1: 10, 2: 20, 3: 30, 4: 40 });
    });
  });
});
