import { nearestRank, serviceLevelRows } from './service-level-buckets';
import type { RequestFigures } from './service-levels.repository';

const HOUR = 3600;

function request(overrides: Partial<RequestFigures> = {}): RequestFigures {
  return {
    bucketStart: 0,
    wait: null,
    handle: null,
    abandoned: false,
    offersAccepted: 0,
    offersDeclined: 0,
    offersExpired: 0,
    ...overrides,
  };
}

/** The definition as the SQL had it: ROW_NUMBER over the sorted values, rank (n·p + 99) / 100. */
function bySqlDefinition(values: number[], percent: number): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.trunc((sorted.length * percent + 99) / 100);
  const match = sorted.find((_, index) => index + 1 === rank);
  return match === undefined ? null : match;
}

describe('nearestRank', () => {
  it('has no value without values', () => {
    expect(nearestRank([], 50)).toBeNull();
    expect(nearestRank([], 90)).toBeNull();
  });

  it('is the only value of one', () => {
    expect(nearestRank([7.5], 50)).toBe(7.5);
    expect(nearestRank([7.5], 90)).toBe(7.5);
  });

  it('takes the ⌈p·n⌉-th smallest: the lower middle of an even count, the 9th of 10 for p90', () => {
    expect(nearestRank([1, 2], 50)).toBe(1);
    expect(nearestRank([1, 2, 3], 50)).toBe(2);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
  });

  it('agrees with the SQL definition on every count up to 250', () => {
    for (let n = 0; n <= 250; n++) {
      const values = Array.from({ length: n }, (_, i) => i * 1.5);
      for (const percent of [50, 90]) {
        expect([n, percent, nearestRank(values, percent)]).toEqual([
          n,
          percent,
          bySqlDefinition(values, percent),
        ]);
      }
    }
  });
});

describe('serviceLevelRows', () => {
  it('has no rows without requests', () => {
    expect(serviceLevelRows([], 30)).toEqual([]);
  });

  it('counts arrivals, assignments, abandonments, answers within target and offers per bucket', () => {
    const rows = serviceLevelRows(
      [
        request({ wait: 30, handle: 100, offersAccepted: 1 }),
        request({ wait: 30.001, offersDeclined: 2, offersExpired: 1 }),
        request({ abandoned: true }),
        request(),
      ],
      30,
    );
    expect(rows).toEqual([
      {
        bucketStart: 0,
        arrivals: 4,
        assigned: 2,
        abandoned: 1,
        // The target is inclusive: 30 s is within 30, 30.001 is not.
        answeredWithinTarget: 1,
        waitP50: 30,
        waitP90: 30.001,
        waitMax: 30.001,
        handleP50: 100,
        offersAccepted: 1,
        offersDeclined: 2,
        offersExpired: 1,
      },
    ]);
  });

  it('leaves requests without a wait or handle time out of the percentiles', () => {
    const [row] = serviceLevelRows(
      [request(), request({ wait: 5 }), request({ abandoned: true }), request({ wait: 9 })],
      30,
    );
    expect(row).toMatchObject({ waitP50: 5, waitP90: 9, waitMax: 9, handleP50: null });
  });

  it('has null percentiles for a bucket where nobody was assigned', () => {
    const [row] = serviceLevelRows([request({ abandoned: true })], 30);
    expect(row).toMatchObject({ arrivals: 1, waitP50: null, waitP90: null, waitMax: null });
  });

  it('sorts waits as numbers, not as text', () => {
    const [row] = serviceLevelRows(
      [request({ wait: 10 }), request({ wait: 9 }), request({ wait: 100 })],
      30,
    );
    expect(row).toMatchObject({ waitP50: 10, waitP90: 100, waitMax: 100 });
  });

  it('keeps tied values: the rank falls on one of them', () => {
    const [row] = serviceLevelRows(
      [1, 2, 2, 2, 3].map((wait) => request({ wait, handle: wait })),
      30,
    );
    expect(row).toMatchObject({ waitP50: 2, waitP90: 3, handleP50: 2 });
  });

  it('sums each bucket apart, in bucket order, whatever the order of the requests', () => {
    const rows = serviceLevelRows(
      [
        request({ bucketStart: 2 * HOUR, wait: 50 }),
        request({ bucketStart: HOUR, wait: 1 }),
        request({ bucketStart: 2 * HOUR, wait: 10 }),
      ],
      30,
    );
    expect(rows.map((row) => [row.bucketStart, row.arrivals, row.waitP50, row.waitMax])).toEqual([
      [HOUR, 1, 1, 1],
      [2 * HOUR, 2, 10, 50],
    ]);
  });
});
