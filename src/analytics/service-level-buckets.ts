import type { ServiceLevelBucketDto } from './dto/service-levels-response.dto';
import type { BucketFigures } from './service-levels.repository';

/** One bucket's figures; buckets without arrivals have none. */
export interface ServiceLevelRow {
  /** Seconds since the epoch of the bucket's start. */
  bucketStart: number;
  arrivals: number;
  assigned: number;
  abandoned: number;
  answeredWithinTarget: number;
  waitP50: number | null;
  waitP90: number | null;
  waitMax: number | null;
  handleP50: number | null;
  offersAccepted: number;
  offersDeclined: number;
  offersExpired: number;
}

const EMPTY: Omit<ServiceLevelBucketDto, 'start'> = {
  arrivals: 0,
  assigned: 0,
  abandoned: 0,
  answered_within_target: 0,
  service_level: null,
  wait_p50_seconds: null,
  wait_p90_seconds: null,
  wait_max_seconds: null,
  handle_p50_seconds: null,
  offers_accepted: 0,
  offers_declined: 0,
  offers_expired: 0,
};

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * The nearest-rank percentile (an observed value: the ⌈p·n⌉-th smallest, ⌈⌉ in integers so
 * 0.9 · 10 is rank 9, not 10), of values sorted ascending; null without values.
 */
export function nearestRank(sorted: ArrayLike<number>, percent: number): number | null {
  const rank = Math.floor((sorted.length * percent + 99) / 100);
  return rank === 0 ? null : sorted[rank - 1];
}

/**
 * The buckets of a window with their figures, in bucket order: the database's counts, the
 * waits' p50, p90 and max (waits of the assigned requests only: one still waiting has none), how
 * many waited at most the target, and the handle times' p50 (of the requests closed after their
 * assignment).
 */
export function serviceLevelRows(
  buckets: readonly BucketFigures[],
  targetAnswerSeconds: number,
): ServiceLevelRow[] {
  return buckets
    .map((bucket) => {
      // Typed arrays sort numerically (an Array sorts as text); copies leave the input as it was.
      const waits = Float64Array.from(bucket.waits).sort();
      return {
        bucketStart: bucket.bucketStart,
        arrivals: bucket.arrivals,
        assigned: waits.length,
        abandoned: bucket.abandoned,
        answeredWithinTarget: waits.reduce(
          (n, wait) => (wait <= targetAnswerSeconds ? n + 1 : n),
          0,
        ),
        waitP50: nearestRank(waits, 50),
        waitP90: nearestRank(waits, 90),
        waitMax: waits.length > 0 ? waits[waits.length - 1] : null,
        handleP50: nearestRank(Float64Array.from(bucket.handles).sort(), 50),
        offersAccepted: bucket.offersAccepted,
        offersDeclined: bucket.offersDeclined,
        offersExpired: bucket.offersExpired,
      };
    })
    .sort((a, b) => a.bucketStart - b.bucketStart);
}

/**
 * Every bucket from `fromSeconds` (inclusive) to `toSeconds` (exclusive), both on bucket
 * boundaries, in order: the database's rows where there were arrivals, empty buckets elsewhere.
 */
export function contiguousBuckets(
  rows: readonly ServiceLevelRow[],
  fromSeconds: number,
  toSeconds: number,
  bucketSeconds: number,
): ServiceLevelBucketDto[] {
  const byStart = new Map(rows.map((row) => [row.bucketStart, row]));
  const buckets: ServiceLevelBucketDto[] = [];
  for (let start = fromSeconds; start < toSeconds; start += bucketSeconds) {
    const iso = new Date(start * 1000).toISOString();
    const row = byStart.get(start);
    buckets.push(row ? toBucket(iso, row) : { start: iso, ...EMPTY });
  }
  return buckets;
}

function toBucket(start: string, row: ServiceLevelRow): ServiceLevelBucketDto {
  return {
    start,
    arrivals: row.arrivals,
    assigned: row.assigned,
    abandoned: row.abandoned,
    answered_within_target: row.answeredWithinTarget,
    service_level: row.arrivals > 0 ? round4(row.answeredWithinTarget / row.arrivals) : null,
    wait_p50_seconds: row.waitP50,
    wait_p90_seconds: row.waitP90,
    wait_max_seconds: row.waitMax,
    handle_p50_seconds: row.handleP50,
    offers_accepted: row.offersAccepted,
    offers_declined: row.offersDeclined,
    offers_expired: row.offersExpired,
  };
}
