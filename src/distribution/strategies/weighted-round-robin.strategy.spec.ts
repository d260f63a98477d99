import fc from 'fast-check';
import type { Candidate } from './operator-selection.strategy';
import { WeightedRoundRobinStrategy } from './weighted-round-robin.strategy';

const candidate = (operatorId: number, weight: number): Candidate => ({
  operatorId,
  weight,
  currentLoad: 0,
  maxLoad: 10,
});

/** Runs `steps` picks from `state`, carrying the state over as the service does. */
function run(candidates: Candidate[], steps: number, state = new Map<number, number>()) {
  const sut = new WeightedRoundRobinStrategy();
  const picks: number[] = [];
  for (let i = 0; i < steps; i++) {
    const selection = sut.select(candidates, state);
    for (const [id, value] of selection.nextState!) state.set(id, value);
    picks.push(selection.operatorId);
  }
  return { picks, state };
}

const weightsArb = fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 });

describe(WeightedRoundRobinStrategy.name, () => {
  it('gives the nginx sequence for weights 5/1/1: a a b a c a a, and repeats it', () => {
    const { picks } = run([candidate(1, 5), candidate(2, 1), candidate(3, 1)], 14);
    const name = { 1: 'a', 2: 'b', 3: 'c' } as Record<number, string>;
    expect(picks.map((id) => name[id]).join(' ')).toBe('a a b a c a a a a b a c a a');
  });

  it('reports the values before, raised and after as evidence', () => {
    const sut = new WeightedRoundRobinStrategy();
    const selection = sut.select(
      [candidate(1, 1), candidate(2, 3)],
      new Map([
        [1, 2],
        [2, -1],
      ]),
    );
    expect(selection.operatorId).toBe(1);
    expect(selection.explain()).toEqual({
      total_weight: 4,
      values: [
        { operator_id: 1, weight: 1, before: 2, raised: 3, after: -1 },
        { operator_id: 2, weight: 3, before: -1, raised: 2, after: 2 },
      ],
    });
  });

  it('breaks a tie by the lower operator id', () => {
    const sut = new WeightedRoundRobinStrategy();
    expect(sut.select([candidate(3, 2), candidate(7, 2)]).operatorId).toBe(3);
  });

  it('leaves the state of operators that are not candidates untouched', () => {
    const { state } = run([candidate(1, 1), candidate(2, 1)], 1);
    state.set(9, 5); // an operator at capacity right now
    const sut = new WeightedRoundRobinStrategy();
    const selection = sut.select([candidate(1, 1), candidate(2, 1)], state);
    expect([...selection.nextState!.keys()].sort()).toEqual([1, 2]);
  });

  it('skips an ineligible operator without breaking the others’ sequence', () => {
    // a:2 b:1 c:1; c drops out after 4 picks, a and b continue 2:1.
    const state = new Map<number, number>();
    run([candidate(1, 2), candidate(2, 1), candidate(3, 1)], 4, state);
    const cValue = state.get(3);
    const { picks } = run([candidate(1, 2), candidate(2, 1)], 30, state);
    expect(picks.filter((id) => id === 1)).toHaveLength(20);
    expect(state.get(3)).toBe(cValue);
  });

  it('gives every window of W consecutive picks exactly the weights (property)', () => {
    fc.assert(
      fc.property(weightsArb, fc.integer({ min: 1, max: 4 }), (weights, rounds) => {
        const candidates = weights.map((w, i) => candidate(i + 1, w));
        const total = weights.reduce((a, b) => a + b, 0);
        const { picks } = run(candidates, total * rounds + total);
        for (let start = 0; start + total <= picks.length; start++) {
          const window = picks.slice(start, start + total);
          for (const c of candidates) {
            if (window.filter((id) => id === c.operatorId).length !== c.weight) return false;
          }
        }
        return true;
      }),
    );
  });

  it('never strays more than one pick from the ideal share (property)', () => {
    fc.assert(
      fc.property(weightsArb, (weights) => {
        const candidates = weights.map((w, i) => candidate(i + 1, w));
        const total = weights.reduce((a, b) => a + b, 0);
        const { picks } = run(candidates, total * 3);
        const counts = new Map<number, number>();
        return picks.every((id, t) => {
          counts.set(id, (counts.get(id) ?? 0) + 1);
          return candidates.every(
            (c) => Math.abs((counts.get(c.operatorId) ?? 0) - ((t + 1) * c.weight) / total) <= 1,
          );
        });
      }),
    );
  });
});
