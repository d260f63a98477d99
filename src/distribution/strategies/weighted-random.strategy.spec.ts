import fc from 'fast-check';
import type { Candidate } from './operator-selection.strategy';
import { WeightedRandomStrategy } from './weighted-random.strategy';

const candidate = (operatorId: number, weight: number): Candidate => ({
  operatorId,
  weight,
  currentLoad: 0,
  maxLoad: 10,
});

/** A deterministic pseudo-random source (mulberry32), so proportions are checked reproducibly. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(WeightedRandomStrategy.name, () => {
  const candidates = [candidate(1, 10), candidate(2, 30), candidate(3, 60)];

  it.each([
    [0, 1],
    [0.0999, 1],
    [0.1, 2],
    [0.3999, 2],
    [0.4, 3],
    [0.9999999, 3],
  ])('maps the draw %p onto operator %p by cumulative weight', (draw, expected) => {
    const sut = new WeightedRandomStrategy(() => draw);
    expect(sut.select(candidates).operatorId).toBe(expected);
  });

  it('always picks the only candidate', () => {
    const sut = new WeightedRandomStrategy(() => 0.5);
    expect(sut.select([candidate(7, 1)]).operatorId).toBe(7);
  });

  it('refuses an empty candidate list', () => {
    const sut = new WeightedRandomStrategy(() => 0.5);
    expect(() => sut.select([])).toThrow();
  });

  it('splits 100000 draws by weight within a statistical bound', () => {
    const sut = new WeightedRandomStrategy(seeded(42));
    const counts = new Map<number, number>();
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const { operatorId } = sut.select(candidates);
      counts.set(operatorId, (counts.get(operatorId) ?? 0) + 1);
    }
    for (const { operatorId, weight } of candidates) {
      const p = weight / 100;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs((counts.get(operatorId) ?? 0) - n * p)).toBeLessThan(5 * sd);
    }
  });

  it('only ever returns one of the given candidates (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({ operatorId: fc.nat(), weight: fc.integer({ min: 1, max: 1e6 }) }),
          {
            minLength: 1,
            selector: (c) => c.operatorId,
          },
        ),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (list, draw) => {
          const given = list.map((c) => candidate(c.operatorId, c.weight));
          const chosen = new WeightedRandomStrategy(() => draw).select(given);
          return given.some((c) => c.operatorId === chosen.operatorId);
        },
      ),
    );
  });
});
