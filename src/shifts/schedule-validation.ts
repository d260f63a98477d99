import { DateTime, IANAZone } from 'luxon';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { minutesOf, Schedule, WEEKDAYS } from './schedule';

/** Bounds that keep one operator's schedule (and evaluating it on every tick) small. */
export const MAX_WEEKLY_INTERVALS = 100;
export const MAX_EXCEPTIONS = 1000;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Every problem of a schedule, each naming its field by its path as the API shows it
 * (`schedule.weekly[1].end must be after start`), worded like the ValidationPipe's messages
 * (validation-errors.ts): "is required", "must be ...", "property ... should not exist".
 * null is a valid schedule (always on shift). Empty: the value is a valid Schedule or null.
 *
 * Decisions where the contract is silent: all three fields are required (`weekly` and
 * `exceptions` may be empty); exceptions of one date with times are that date's intervals and
 * must not overlap; a day off shares its date with no other exception (not even another day off).
 */
export function validateSchedule(value: unknown, path = 'schedule'): string[] {
  if (value === null) return [];
  if (!isObject(value)) return [`${path} must be an object or null`];
  const errors = unknownProperties(value, ['time_zone', 'weekly', 'exceptions'], path);
  errors.push(...timeZoneErrors(value.time_zone, `${path}.time_zone`));

  const weekly = listErrors(value.weekly, `${path}.weekly`, MAX_WEEKLY_INTERVALS, errors);
  const weeklyIntervals: Interval[] = [];
  weekly.forEach((item, index) => {
    const itemPath = `${path}.weekly[${index}]`;
    if (!isObject(item)) {
      errors.push(`${itemPath} must be an object`);
      return;
    }
    errors.push(...unknownProperties(item, ['day', 'start', 'end'], itemPath));
    const dayValid = item.day !== undefined && WEEKDAYS.includes(item.day as never);
    if (!dayValid) errors.push(dayError(item.day, `${itemPath}.day`));
    const times = intervalErrors(item, itemPath, errors);
    if (dayValid && times) weeklyIntervals.push({ ...times, on: String(item.day), path: itemPath });
  });
  errors.push(...overlaps(weeklyIntervals));

  const exceptions = listErrors(value.exceptions, `${path}.exceptions`, MAX_EXCEPTIONS, errors);
  const exceptionIntervals: Interval[] = [];
  const dated: DatedException[] = [];
  exceptions.forEach((item, index) => {
    const itemPath = `${path}.exceptions[${index}]`;
    if (!isObject(item)) {
      errors.push(`${itemPath} must be an object`);
      return;
    }
    errors.push(...unknownProperties(item, ['date', 'start', 'end'], itemPath));
    const dateError = calendarDateError(item.date, `${itemPath}.date`);
    if (dateError !== null) errors.push(dateError);
    const date = dateError === null ? String(item.date) : null;
    const dayOff = item.start === undefined && item.end === undefined;
    if (date !== null) dated.push({ date, dayOff, path: itemPath });
    if (dayOff) return;
    const times = intervalErrors(item, itemPath, errors);
    if (date !== null && times) exceptionIntervals.push({ ...times, on: date, path: itemPath });
  });
  errors.push(...overlaps(exceptionIntervals), ...dayOffConflicts(dated));
  return errors;
}

/** A type guard for code that holds an unchecked value (a stored row, a test). */
export function isSchedule(value: unknown): value is Schedule | null {
  return validateSchedule(value).length === 0;
}

/**
 * class-validator's rule for a DTO's schedule property: its messages name the property's path
 * (`schedule.weekly[1].end must be after start`), all problems in one message, joined by "; ",
 * since a rule has one message. null passes (always on shift); pair with IsOptional() for a
 * field that may be absent.
 */
export function IsSchedule(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSchedule',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          validateSchedule(value, args.property).length === 0,
        defaultMessage: (args: ValidationArguments) =>
          validateSchedule(args.value, args.property).join('; '),
      },
    });
}

/** An exception with a valid date, listed in order. */
interface DatedException {
  date: string;
  dayOff: boolean;
  path: string;
}

/** An interval that passed its own checks, for the overlap checks of its day or date. */
interface Interval {
  start: number;
  end: number;
  /** The weekday or date it belongs to. */
  on: string;
  path: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownProperties(value: object, known: string[], path: string): string[] {
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => `property ${path}.${key} should not exist`);
}

/** The problem of a time zone field, if any (also GET /staffing/plan's `time_zone`). */
export function timeZoneErrors(value: unknown, path: string): string[] {
  if (value === undefined) return [`${path} is required`];
  if (typeof value !== 'string' || !IANAZone.isValidZone(value)) {
    return [`${path} must be an IANA time zone, such as Europe/Berlin`];
  }
  // Intl accepts any letter case; refusing "europe/berlin" keeps one spelling per zone. Aliases
  // (US/Eastern, Asia/Kolkata) stay accepted: Intl's own names for them vary with its version.
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  if (value !== resolved && value.toLowerCase() === resolved.toLowerCase()) {
    return [`${path} must be spelled as IANA does: ${resolved}`];
  }
  return [];
}

/** The items of a list field, or none (with its error) when it is missing, not a list or too long. */
function listErrors(value: unknown, path: string, max: number, errors: string[]): unknown[] {
  if (value === undefined) errors.push(`${path} is required`);
  else if (!Array.isArray(value)) errors.push(`${path} must be an array`);
  else if (value.length > max) errors.push(`${path} must contain no more than ${max} elements`);
  else return value;
  return [];
}

function dayError(value: unknown, path: string): string {
  return value === undefined
    ? `${path} is required`
    : `${path} must be one of the following values: ${WEEKDAYS.join(', ')}`;
}

/** Checks `start` and `end`; their minutes when both are valid and `end` is after `start`. */
function intervalErrors(
  item: Record<string, unknown>,
  path: string,
  errors: string[],
): { start: number; end: number } | null {
  const start = timeOf(item.start, `${path}.start`, false, errors);
  const end = timeOf(item.end, `${path}.end`, true, errors);
  if (start === null || end === null) return null;
  if (end <= start) {
    errors.push(`${path}.end must be after start`);
    return null;
  }
  return { start, end };
}

function timeOf(value: unknown, path: string, isEnd: boolean, errors: string[]): number | null {
  if (value === undefined) {
    errors.push(`${path} is required`);
    return null;
  }
  if (typeof value === 'string' && (TIME.test(value) || (isEnd && value === '24:00'))) {
    return minutesOf(value);
  }
  errors.push(`${path} must be a time HH:MM from 00:00 to ${isEnd ? '24:00' : '23:59'}`);
  return null;
}

function calendarDateError(value: unknown, path: string): string | null {
  if (value === undefined) return `${path} is required`;
  if (typeof value !== 'string' || !DATE.test(value)) return `${path} must be a date YYYY-MM-DD`;
  const exists = DateTime.fromISO(value, { zone: 'utc' }).isValid;
  return exists ? null : `${path} must be a date that exists in the calendar`;
}

/** Each interval that overlaps an earlier-listed one of its day; touching is not overlapping. */
function overlaps(intervals: Interval[]): string[] {
  return intervals.flatMap((interval, index) => {
    const earlier = intervals
      .slice(0, index)
      .find(
        (other) =>
          other.on === interval.on && other.start < interval.end && interval.start < other.end,
      );
    return earlier === undefined
      ? []
      : [`${interval.path} overlaps ${earlier.path} on ${interval.on}`];
  });
}

/** A day off is the whole date: another exception of that date contradicts or repeats it. */
function dayOffConflicts(dated: DatedException[]): string[] {
  return dated.flatMap((exception, index) => {
    const earlier = dated
      .slice(0, index)
      .find((other) => other.date === exception.date && (other.dayOff || exception.dayOff));
    return earlier === undefined
      ? []
      : [
          `${exception.path} conflicts with ${earlier.path}: a day off must be the only exception of ${exception.date}`,
        ];
  });
}
