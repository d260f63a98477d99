import type { ServiceLevelBucketDto } from './dto/service-levels-response.dto';
import type { ServiceLevelRow } from './service-levels.repository';

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
