import { DateTime, IANAZone } from 'luxon';
import { coversWholeHour, type Schedule, WEEKDAYS, type Weekday } from '../shifts/schedule';
import { requiredServers, trafficErlangs } from './erlang-c';

/**
 * GET /staffing/plan's arithmetic, free of the database: history counts → the mean arrivals of
 * each hour of the week in a zone, schedules → the capacity on shift in each hour of the coming
 * week, and Erlang C between them. Cells are indexed 0..167: Monday 00:00 is 0, Sunday 23:00 167.
 */
export const HOURS_PER_WEEK = 168;

/**
 * The history is counted per UTC quarter hour, not per hour: every zone's offset today is a
 * whole number of quarter hours (India +05:30, Nepal +05:45), so a quarter lies in one local
 * hour, where a UTC hour of India's would straddle two.
 */
export const ARRIVAL_BUCKET_SECONDS = 900;
const BUCKET_MS = ARRIVAL_BUCKET_SECONDS * 1000;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * The handle time is the mean of the window's latest this many requests (those handled): its
 * error is about 1% of the spread of handle times, and the cost stays flat however busy the
 * source (a 4-week window of a busy source holds hundreds of thousands).
 */
export const HANDLE_TIME_SAMPLE = 10_000;

/** One UTC quarter hour of history with its arrivals (quarters without any are absent). */
export interface ArrivalBucket {
  /** Epoch seconds of the quarter's start, a multiple of ARRIVAL_BUCKET_SECONDS. */
  start: number;
  arrivals: number;
}

/** The hour of the week (0..167) a zone's clock shows at `epochMs`, given its offset there. */
function weekHourAt(epochMs: number, offsetMinutes: number): number {
  // The offset comes from luxon (offsetsOf); the local wall clock is then plain arithmetic.
  const local = new Date(epochMs + offsetMinutes * MINUTE_MS);
  return ((local.getUTCDay() + 6) % 7) * 24 + local.getUTCHours();
}

/** From quarter index `from` (epoch ms / BUCKET_MS) on, the zone's offset is `offset` minutes. */
interface OffsetPiece {
  from: number;
  offset: number;
}

/**
 * The zone's UTC offsets over quarters [fromQuarter, toQuarter), as pieces in order. Luxon asks
 * Intl for each offset (about 10 µs), and a 52-week window has 35 000 quarters: so the offset is
 * asked once a day, and where two days differ, the change is found by bisection. This assumes a
 * zone changes its offset at most once within 24 hours, which every zone's rules do.
 */
function offsetsOf(zone: IANAZone, fromQuarter: number, toQuarter: number): OffsetPiece[] {
  const offsetAt = (quarter: number) => zone.offset(quarter * BUCKET_MS);
  const quartersPerDay = DAY_MS / BUCKET_MS;
  const pieces: OffsetPiece[] = [{ from: fromQuarter, offset: offsetAt(fromQuarter) }];
  for (let day = fromQuarter; day < toQuarter; day += quartersPerDay) {
    const next = Math.min(day + quartersPerDay, toQuarter - 1);
    const offset = offsetAt(next);
    if (offset === pieces[pieces.length - 1].offset) continue;
    // The first quarter in (day, next] that has the new offset.
    let low = day;
    let high = next;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (offsetAt(middle) === offset) high = middle;
      else low = middle;
    }
    pieces.push({ from: high, offset });
  }
  return pieces;
}

/**
 * Mean arrivals per hour for each hour of the week in `zone`, over the window
 * [fromSeconds, toSeconds) (both multiples of ARRIVAL_BUCKET_SECONDS): a cell's arrivals divided
 * by how many hours of the window the zone's clock showed that weekday and hour. Without
 * daylight saving that is the number of weeks. Across a change it is not: on the day the clock
 * goes back, the repeated hour is two hours of the window, with the arrivals of both; on the day
 * it goes forward, the skipped hour did not happen and is one hour fewer. So every cell stays a
 * rate per real hour. A cell the window never showed (the skipped hour, with weeks=1) is 0.
 */
export function arrivalsPerHour(
  buckets: readonly ArrivalBucket[],
  fromSeconds: number,
  toSeconds: number,
  zone: string,
): number[] {
  const fromQuarter = fromSeconds / ARRIVAL_BUCKET_SECONDS;
  const toQuarter = toSeconds / ARRIVAL_BUCKET_SECONDS;
  const pieces = offsetsOf(IANAZone.create(zone), fromQuarter, toQuarter);
  const offsetOf = (quarter: number) => {
    let offset = pieces[0].offset;
    for (const piece of pieces) {
      if (piece.from > quarter) break;
      offset = piece.offset;
    }
    return offset;
  };

  const quartersSeen = new Array<number>(HOURS_PER_WEEK).fill(0);
  for (let index = 0; index < pieces.length; index++) {
    const end = index + 1 < pieces.length ? pieces[index + 1].from : toQuarter;
    for (let quarter = pieces[index].from; quarter < end; quarter++) {
      quartersSeen[weekHourAt(quarter * BUCKET_MS, pieces[index].offset)] += 1;
    }
  }

  const arrivals = new Array<number>(HOURS_PER_WEEK).fill(0);
  for (const bucket of buckets) {
    const quarter = bucket.start / ARRIVAL_BUCKET_SECONDS;
    if (quarter < fromQuarter || quarter >= toQuarter) continue;
    arrivals[weekHourAt(bucket.start * 1000, offsetOf(quarter))] += bucket.arrivals;
  }
  const quartersPerHour = HOUR_MS / BUCKET_MS;
  return arrivals.map((count, cell) =>
    quartersSeen[cell] === 0 ? 0 : count / (quartersSeen[cell] / quartersPerHour),
  );
}

/** What the plan needs of an operator configured for the source. */
export interface PlannedOperator {
  isActive: boolean;
  weight: number;
  maxLoad: number;
  /** null: always on shift. */
  schedule: Schedule | null;
}

/**
 * The instant `zone`'s clock shows `hour`:00 on `date`, resolved as schedules resolve times
 * (src/shifts/schedule.ts): a skipped hour reads with the offset before the gap, so it is as late
 * as the jump (02:00 on Berlin's spring day is 03:00 CEST); a repeated one is its first time.
 */
function hourStart(date: DateTime, hour: number, zone: string): Date {
  const local = DateTime.fromObject(
    { year: date.year, month: date.month, day: date.day, hour },
    { zone },
  );
  return new Date(Math.min(...local.getPossibleOffsets().map((reading) => reading.toMillis())));
}

/**
 * For each hour of the week in `zone`: the sum of max_load of the active operators with weight
 * > 0 whose schedule covers that whole hour. Each weekday is the date it falls on in the seven
 * days from today (in `zone`) on, so each operator's zone applies its offset of the coming week,
 * and an exception dated in those days replaces that weekday's hours.
 */
export function scheduledCapacity(
  operators: readonly PlannedOperator[],
  zone: string,
  now: Date,
): number[] {
  // Operators with the same schedule (the same parsed object: parseSchedule shares equal text)
  // are evaluated once.
  const loadBySchedule = new Map<Schedule | null, number>();
  for (const operator of operators) {
    if (!operator.isActive || operator.weight <= 0 || operator.maxLoad <= 0) continue;
    const load = loadBySchedule.get(operator.schedule) ?? 0;
    loadBySchedule.set(operator.schedule, load + operator.maxLoad);
  }

  const capacity = new Array<number>(HOURS_PER_WEEK).fill(0);
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  for (let offset = 0; offset < 7; offset++) {
    const date = today.plus({ days: offset });
    const weekday = date.weekday - 1; // luxon: Monday 1
    for (let hour = 0; hour < 24; hour++) {
      const start = hourStart(date, hour, zone);
      let sum = 0;
      for (const [schedule, load] of loadBySchedule) {
        if (coversWholeHour(schedule, start)) sum += load;
      }
      capacity[weekday * 24 + hour] = sum;
    }
  }
  return capacity;
}

export interface PlanTargets {
  targetAnswerSeconds: number;
  targetServiceLevel: number;
}

export interface PlanCell {
  day: Weekday;
  hour: number;
  arrivals_per_hour: number;
  required_capacity: number | null;
  scheduled_capacity: number;
  gap: number | null;
}

const round = (value: number, decimals: number) => {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
};

/** arrivals_per_hour is shown with 4 decimals, aht_seconds with 2. */
export const roundArrivals = (value: number) => round(value, 4);
export const roundAht = (value: number) => round(value, 2);

/**
 * The 168 cells. required_capacity is Erlang C's fewest servers for the cell's arrivals in 60
 * minutes at `ahtSeconds` (no occupancy cap, no shrinkage), computed from the figures as shown
 * (rounded), so POST /staffing/erlang-c with them answers the same raw_agents. Nothing arriving
 * needs 0; arrivals without a known handle time (ahtSeconds null: nothing was handled in the
 * window) need an unknown number, null, and so is the gap.
 */
export function planCells(
  arrivals: readonly number[],
  ahtSeconds: number | null,
  scheduled: readonly number[],
  targets: PlanTargets,
): PlanCell[] {
  return arrivals.map((mean, cell) => {
    const arrivalsShown = roundArrivals(mean);
    let required: number | null;
    if (arrivalsShown === 0) required = 0;
    else if (ahtSeconds === null) required = null;
    else {
      required = requiredServers({
        traffic: trafficErlangs(arrivalsShown, 60, ahtSeconds),
        ahtSeconds,
        targetAnswerSeconds: targets.targetAnswerSeconds,
        targetServiceLevel: targets.targetServiceLevel,
        maxOccupancy: 1,
      }).servers;
    }
    return {
      day: WEEKDAYS[Math.floor(cell / 24)],
      hour: cell % 24,
      arrivals_per_hour: arrivalsShown,
      required_capacity: required,
      scheduled_capacity: scheduled[cell],
      gap: required === null ? null : scheduled[cell] - required,
    };
  });
}
