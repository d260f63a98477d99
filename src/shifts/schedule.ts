import { DateTime } from 'luxon';

/**
 * An operator's working hours: weekly intervals in an IANA time zone, and dated exceptions that
 * replace a date's weekly hours (an exception without times is a day off). A null schedule means
 * always on shift. The functions here assume a schedule that passed validateSchedule, and that
 * is not changed afterwards (each schedule object is indexed once, on first use).
 *
 * Daylight-saving changes follow the zone, and a wall-clock time maps to an instant the way
 * iCalendar (RFC 5545 §3.3.5) and Temporal's "compatible" mode do:
 * - a time the clock skips (02:30 on Europe/Berlin's spring day) is read with the offset before
 *   the gap, so it is as late as the jump: 02:30 becomes 03:30 CEST. A shift 02:00–06:00 that
 *   day runs 03:00–06:00; a shift that lies wholly in the skipped hour lasts as long as usual,
 *   right after the jump, and one that ends before the jumped start (02:30–03:15) does not happen;
 * - a time the clock shows twice (02:30 on the autumn day) is its first occurrence, so a shift
 *   00:00–02:30 ends the first time the clock shows 02:30, and one starting at 02:30 also works
 *   the repeated hour.
 */
export interface Schedule {
  time_zone: string;
  weekly: WeeklyInterval[];
  exceptions: ScheduleException[];
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `start` and `end` are HH:MM in the schedule's zone; `end` is after `start` and may be 24:00. */
export interface WeeklyInterval {
  day: Weekday;
  start: string;
  end: string;
}

/** `date` is YYYY-MM-DD; both times, or neither (a day off). */
export interface ScheduleException {
  date: string;
  start?: string;
  end?: string;
}

export const MINUTES_PER_DAY = 24 * 60;
const HOUR_MS = 60 * 60 * 1000;

/** Minutes since midnight of an HH:MM time; `24:00` is 1440. */
export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/** The operator's shift at `at`, and when it next changes (null: never). */
export interface ShiftStatus {
  onShift: boolean;
  nextChange: Date | null;
}

export function shiftStatus(schedule: Schedule | null, at: Date): ShiftStatus {
  if (schedule === null) return { onShift: true, nextChange: null };
  const time = at.getTime();
  for (const span of shiftSpans(compile(schedule), calendarDayOf(time, schedule.time_zone))) {
    if (span.start > time) return { onShift: false, nextChange: new Date(span.start) };
    if (time < span.end) {
      return { onShift: true, nextChange: span.end === Infinity ? null : new Date(span.end) };
    }
  }
  return { onShift: false, nextChange: null };
}

/** Whether the schedule has the operator working at `at`; a null schedule always does. */
export function isOnShift(schedule: Schedule | null, at: Date): boolean {
  return shiftStatus(schedule, at).onShift;
}

/** The next instant after `at` when on-shift turns off or on; null when that never happens. */
export function nextShiftChange(schedule: Schedule | null, at: Date): Date | null {
  return shiftStatus(schedule, at).nextChange;
}

/** Whether the operator is on shift for the whole of [hourStart, hourStart + 1 h). */
export function coversWholeHour(schedule: Schedule | null, hourStart: Date): boolean {
  const status = shiftStatus(schedule, hourStart);
  if (!status.onShift) return false;
  return status.nextChange === null || status.nextChange.getTime() >= hourStart.getTime() + HOUR_MS;
}

/** A stretch of time on shift, in epoch milliseconds; `end` is Infinity when it never ends. */
interface Span {
  start: number;
  end: number;
}

/** Minutes since midnight of one interval of a day. */
interface DayInterval {
  start: number;
  end: number;
}

/** A schedule indexed for evaluation. */
interface CompiledSchedule {
  zone: string;
  /** By weekday, 0 for Monday as in WEEKDAYS. */
  weekly: DayInterval[][];
  /** By date; an empty list is a day off. */
  exceptions: Map<CalendarDay, DayInterval[]>;
  /** In order. */
  exceptionDays: CalendarDay[];
  /** Unless `mixed`, all days without an exception are alike, so runs of them are one step. */
  weeklyPattern: 'empty' | 'full' | 'mixed';
}

/** Schedules are compiled once per object: an operator's schedule is evaluated again and again. */
const compiled = new WeakMap<Schedule, CompiledSchedule>();

function compile(schedule: Schedule): CompiledSchedule {
  let result = compiled.get(schedule);
  if (result === undefined) {
    result = compileNow(schedule);
    compiled.set(schedule, result);
  }
  return result;
}

function compileNow(schedule: Schedule): CompiledSchedule {
  const weekly: DayInterval[][] = WEEKDAYS.map(() => []);
  for (const interval of schedule.weekly) {
    weekly[WEEKDAYS.indexOf(interval.day)].push(toDayInterval(interval.start, interval.end));
  }
  const exceptions = new Map<CalendarDay, DayInterval[]>();
  for (const exception of schedule.exceptions) {
    const day = calendarDay(exception.date);
    const intervals = exceptions.get(day) ?? [];
    if (exception.start !== undefined && exception.end !== undefined) {
      intervals.push(toDayInterval(exception.start, exception.end));
    }
    exceptions.set(day, intervals);
  }
  return {
    zone: schedule.time_zone,
    weekly,
    exceptions,
    exceptionDays: [...exceptions.keys()].sort((a, b) => a - b),
    weeklyPattern:
      schedule.weekly.length === 0 ? 'empty' : weekly.every(coversDay) ? 'full' : 'mixed',
  };
}

function toDayInterval(start: string, end: string): DayInterval {
  return { start: minutesOf(start), end: minutesOf(end) };
}

/** Whether a day's intervals (which do not overlap) cover 00:00–24:00 without a hole. */
function coversDay(intervals: DayInterval[]): boolean {
  let coveredUntil = 0;
  for (const interval of [...intervals].sort((a, b) => a.start - b.start)) {
    if (interval.start > coveredUntil) return false;
    coveredUntil = Math.max(coveredUntil, interval.end);
  }
  return coveredUntil >= MINUTES_PER_DAY;
}

/**
 * A calendar date as a count of days since 1970-01-01, free of any zone: the next date is always
 * one more, whatever the schedule's zone does that day. A plain number, not a luxon object:
 * stepping through dates is the inner loop of every evaluation.
 */
type CalendarDay = number;
const DAY_MS = 24 * HOUR_MS;

/**
 * The date the zone's calendar shows at `time`: the one whose midnight (as instantOf reads it) is
 * at or before `time` and whose next midnight is after. Zones are within a day of UTC, so it is
 * the UTC date or a neighbour; the midnights are cached, so this asks luxon nothing twice.
 */
function calendarDayOf(time: number, zone: string): CalendarDay {
  const utcDay = Math.floor(time / DAY_MS);
  for (const day of [utcDay - 1, utcDay, utcDay + 1]) {
    if (instantOf(zone, day, 0) <= time && time < instantOf(zone, day + 1, 0)) return day;
  }
  throw new Error(`no date of ${zone} contains ${new Date(time).toISOString()}`);
}

/** The day of a YYYY-MM-DD date (which Date reads as UTC midnight). */
function calendarDay(date: string): CalendarDay {
  return Date.parse(date) / DAY_MS;
}

/** 0 for Monday, as in WEEKDAYS. */
function weekdayIndex(day: CalendarDay): number {
  return (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
}

/**
 * The instant at which the zone's clock shows `minutes` past midnight of `day` (24:00 is the next
 * day's midnight); a skipped or repeated time is resolved as the header of this file says.
 */
function instantOf(zone: string, day: CalendarDay, minutes: number): number {
  // 24:00 is the next day's 00:00: one key.
  const key = day * MINUTES_PER_DAY + minutes;
  let zoneInstants = instants.get(zone);
  if (zoneInstants === undefined || zoneInstants.size >= MAX_CACHED_INSTANTS) {
    zoneInstants = new Map();
    instants.set(zone, zoneInstants);
  }
  let instant = zoneInstants.get(key);
  if (instant === undefined) {
    const dayOfKey = Math.floor(key / MINUTES_PER_DAY);
    const minuteOfDay = key - dayOfKey * MINUTES_PER_DAY;
    const date = new Date(dayOfKey * DAY_MS);
    const local = DateTime.fromObject(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: Math.floor(minuteOfDay / 60),
        minute: minuteOfDay % 60,
      },
      { zone },
    );
    // Both readings of a repeated time, or the one (already moved past the gap) of a skipped one.
    instant = Math.min(...local.getPossibleOffsets().map((reading) => reading.toMillis()));
    zoneInstants.set(key, instant);
  }
  return instant;
}

/**
 * Resolved wall-clock times. Luxon asks Intl for each offset, which costs tens of microseconds;
 * operators share zones, dates and shift times, so every tick would ask the same questions again.
 * The answers never change while the process runs (its time-zone data is fixed).
 */
const instants = new Map<string, Map<number, number>>();
/** Per zone; past it the zone's cache starts over (a year of 96 quarter hours is 35 000). */
const MAX_CACHED_INSTANTS = 100_000;

/** One date's time on shift: its exception's intervals if it has any, else its weekday's. */
function spansOn(schedule: CompiledSchedule, day: CalendarDay): Span[] {
  const intervals = schedule.exceptions.get(day) ?? schedule.weekly[weekdayIndex(day)];
  const dayStart = instantOf(schedule.zone, day, 0);
  const dayEnd = instantOf(schedule.zone, day, MINUTES_PER_DAY);
  return intervals
    .map((interval) => ({
      // Kept inside the date, so that dates' spans come in order even where a gap crosses midnight.
      start: Math.max(dayStart, instantOf(schedule.zone, day, interval.start)),
      end: Math.min(dayEnd, instantOf(schedule.zone, day, interval.end)),
    }))
    .filter((span) => span.start < span.end)
    .sort((a, b) => a.start - b.start);
}

/** Beyond the last exception, a mixed week changes within eight days: more is a defect. */
const DAYS_PAST_LAST_EXCEPTION = 16;

/**
 * The time on shift from the start of `from` on, as maximal spans in order: intervals that touch
 * or overlap, on one date or across midnight, are one span (no change at 12:00 between 09:00–12:00
 * and 12:00–14:00). Lazy and possibly endless; the caller stops when it has its answer.
 */
function* shiftSpans(schedule: CompiledSchedule, from: CalendarDay): Generator<Span> {
  const horizon = Math.max(from, ...schedule.exceptionDays) + DAYS_PAST_LAST_EXCEPTION;
  let open: Span | null = null;
  let day = from;
  for (;;) {
    let spans: Span[];
    let nextDay: CalendarDay | null;
    if (schedule.weeklyPattern === 'mixed' || schedule.exceptions.has(day)) {
      if (day > horizon)
        throw new Error('shift evaluation found no change past the last exception');
      spans = spansOn(schedule, day);
      nextDay = day + 1;
    } else {
      // Every day up to the next exception is alike (all on or all off): take them in one step.
      nextDay = schedule.exceptionDays.find((date) => date > day) ?? null;
      const start = instantOf(schedule.zone, day, 0);
      const end = nextDay === null ? Infinity : instantOf(schedule.zone, nextDay, 0);
      spans = schedule.weeklyPattern === 'full' ? [{ start, end }] : [];
    }
    for (const span of spans) {
      if (open !== null && span.start <= open.end) {
        open.end = Math.max(open.end, span.end);
      } else {
        if (open !== null) yield open;
        open = { ...span };
      }
    }
    if (nextDay === null) {
      if (open !== null) yield open;
      return;
    }
    day = nextDay;
  }
}
