import type { ServiceLevelBucketDto } from './dto/service-levels-response.dto';
import type { RequestFigures } from './service-levels.repository';

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

interface Tally {
  row: ServiceLevelRow;
  waits: number[];
  handles: number[];
}

/**
 * The nearest-rank percentile (an observed value: the ⌈p·n⌉-th smallest, ⌈⌉ in integers so
 * 0.9 · 10 is rank 9, not 10), of values sorted ascending; null without values.
 */
export function nearestRank(sorted: ArrayLike<number>, percent: number): number | null {
  const rank = Math.floor((sorted.length * percent + 99) / 100);
  return rank === 0 ? null : sorted[rank - 1];
}

/**
 * The requests of a window summed up per bucket of arrival, in bucket order: counts, the
 * waits' p50, p90 and max (waits of the assigned requests only: one still waiting has none) and
 * the handle times' p50 (of the requests closed after their assignment).
 */
export function serviceLevelRows(
  requests: readonly RequestFigures[],
  targetAnswerSeconds: number,
): ServiceLevelRow[] {
  const tallies = new Map<number, Tally>();
  for (const request of requests) {
    let tally = tallies.get(request.bucketStart);
    if (tally === undefined) {
      tally = {
        row: {
          bucketStart: request.bucketStart,
          arrivals: 0,
          assigned: 0,
          abandoned: 0,
          answeredWithinTarget: 0,
          waitP50: null,
          waitP90: null,
          waitMax: null,
          handleP50: null,
          offersAccepted: 0,
          offersDeclined: 0,
          offersExpired: 0,
        },
        waits: [],
        handles: [],
      };
      tallies.set(request.bucketStart, tally);
    }
    const row = tally.row;
    row.arrivals++;
    if (request.abandoned) row.abandoned++;
    if (request.wait !== null) {
      row.assigned++;
      if (request.wait <= targetAnswerSeconds) row.answeredWithinTarget++;
      tally.waits.push(request.wait);
    }
    if (request.handle !== null) tally.handles.push(request.handle);
    row.offersAccepted += request.offersAccepted;
    row.offersDeclined += request.offersDeclined;
    row.offersExpired += request.offersExpired;
  }
  const rows: ServiceLevelRow[] = [];
  for (const { row, waits, handles } of tallies.values()) {
    // Typed arrays sort numerically (an Array sorts as text).
    const sortedWaits = Float64Array.from(waits).sort();
    row.waitP50 = nearestRank(sortedWaits, 50);
    row.waitP90 = nearestRank(sortedWaits, 90);
    row.waitMax = sortedWaits.length > 0 ? sortedWaits[sortedWaits.length - 1] : null;
    row.handleP50 = nearestRank(Float64Array.from(handles).sort(), 50);
    rows.push(row);
  }
  return rows.sort((a, b) => a.bucketStart - b.bucketStart);
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
