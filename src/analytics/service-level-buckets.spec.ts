import { nearestRank, serviceLevelRows } from './service-level-buckets';
import type { BucketFigures } from './service-levels.repository';

const HOUR = 3600;

function bucket(
  overrides: Partial<Omit<BucketFigures, 'waits' | 'handles'>> & {
    waits?: number[];
    handles?: number[];
  } = {},
): BucketFigures {
  const { waits = [], handles = [], ...counts } = overrides;
  return {
    bucketStart: 0,
    arrivals: waits.length,
    abandoned: 0,
    offersAccepted: 0,
    offersDeclined: 0,
    offersExpired: 0,
    ...counts,
    waits: Float64Array.from(waits),
    handles: Float64Array.from(handles),
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
  it('has no rows without buckets', () => {
    expect(serviceLevelRows([], 30)).toEqual([]);
  });

  it('keeps the counts; assigned and answered within target from the waits', () => {
    const rows = serviceLevelRows(
      [
        bucket({
          arrivals: 4,
          abandoned: 1,
          waits: [30.001, 30],
          handles: [100],
          offersAccepted: 1,
          offersDeclined: 2,
          offersExpired: 1,
        }),
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

  it('has null percentiles for a bucket where nobody was assigned or handled', () => {
    const [row] = serviceLevelRows([bucket({ arrivals: 1, abandoned: 1 })], 30);
    expect(row).toMatchObject({
      arrivals: 1,
      assigned: 0,
      answeredWithinTarget: 0,
      waitP50: null,
      waitP90: null,
      waitMax: null,
      handleP50: null,
    });
  });

  it('sorts waits as numbers, not as text, and leaves its input as it was', () => {
    const input = bucket({ waits: [10, 9, 100], handles: [10, 9, 100] });
    const [row] = serviceLevelRows([input], 30);
    expect(row).toMatchObject({ waitP50: 10, waitP90: 100, waitMax: 100, handleP50: 10 });
    expect(Array.from(input.waits)).toEqual([10, 9, 100]);
  });

  it('keeps tied values: the rank falls on one of them', () => {
    const values = [1, 2, 2, 2, 3];
    const [row] = serviceLevelRows([bucket({ waits: values, handles: values })], 30);
    expect(row).toMatchObject({ waitP50: 2, waitP90: 3, handleP50: 2 });
  });

  it('ranks each bucket apart, in bucket order, whatever the order of the buckets', () => {
    const rows = serviceLevelRows(
      [
        bucket({ bucketStart: 2 * HOUR, waits: [50, 10] }),
        bucket({ bucketStart: HOUR, waits: [1] }),
      ],
      30,
    );
    expect(rows.map((row) => [row.bucketStart, row.arrivals, row.waitP50, row.waitMax])).toEqual([
      [HOUR, 1, 1, 1],
      [2 * HOUR, 2, 10, 50],
    ]);
  });
});
