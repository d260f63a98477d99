import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { VALIDATION_OPTIONS, validationMessages } from '../common/validation-errors';
import { ScheduleField } from './schedule.dto';
import {
  isSchedule,
  MAX_EXCEPTIONS,
  MAX_WEEKLY_INTERVALS,
  validateSchedule,
} from './schedule-validation';

const valid = {
  time_zone: 'Europe/Berlin',
  weekly: [
    { day: 'mon', start: '09:00', end: '12:00' },
    { day: 'mon', start: '12:00', end: '24:00' },
  ],
  exceptions: [
    { date: '2026-12-24', start: '09:00', end: '13:00' },
    { date: '2026-12-24', start: '13:00', end: '14:00' },
    { date: '2026-12-25' },
  ],
};

/** The messages for `valid` with some fields replaced. */
const errorsWith = (changes: Record<string, unknown>) => validateSchedule({ ...valid, ...changes });

describe(validateSchedule.name, () => {
  it('accepts a full schedule, touching intervals and 24:00 included, and null', () => {
    expect(validateSchedule(valid)).toEqual([]);
    expect(validateSchedule(null)).toEqual([]);
    expect(validateSchedule({ time_zone: 'America/New_York', weekly: [], exceptions: [] })).toEqual(
      [],
    );
    expect(isSchedule(valid)).toBe(true);
  });

  it('refuses what is not an object', () => {
    for (const value of ['mon', 5, [], true]) {
      expect(validateSchedule(value)).toEqual(['schedule must be an object or null']);
    }
  });

  it('requires every field and refuses unknown ones', () => {
    expect(validateSchedule({ holidays: [] })).toEqual([
      'property schedule.holidays should not exist',
      'schedule.time_zone is required',
      'schedule.weekly is required',
      'schedule.exceptions is required',
    ]);
  });

  describe('time_zone', () => {
    it('must be an IANA zone', () => {
      for (const zone of ['Mars/Olympus', '+01:00', 'CET+1', '', 5]) {
        expect(errorsWith({ time_zone: zone })).toEqual([
          'schedule.time_zone must be an IANA time zone, such as Europe/Berlin',
        ]);
      }
    });

    it('is spelled as IANA does; aliases are zones too', () => {
      expect(errorsWith({ time_zone: 'europe/berlin' })).toEqual([
        'schedule.time_zone must be spelled as IANA does: Europe/Berlin',
      ]);
      for (const zone of ['UTC', 'US/Eastern', 'Asia/Kolkata', 'Etc/GMT+1']) {
        expect(errorsWith({ time_zone: zone })).toEqual([]);
      }
    });
  });

  describe('weekly', () => {
    it('is a list of objects of bounded length', () => {
      expect(errorsWith({ weekly: {} })).toEqual(['schedule.weekly must be an array']);
      expect(errorsWith({ weekly: ['mon'] })).toEqual(['schedule.weekly[0] must be an object']);
      const tooMany = Array.from({ length: MAX_WEEKLY_INTERVALS + 1 }, () => valid.weekly[0]);
      expect(errorsWith({ weekly: tooMany })).toEqual([
        `schedule.weekly must contain no more than ${MAX_WEEKLY_INTERVALS} elements`,
      ]);
    });

    it('names each field of an interval', () => {
      expect(errorsWith({ weekly: [{ note: 'x' }] })).toEqual([
        'property schedule.weekly[0].note should not exist',
        'schedule.weekly[0].day is required',
        'schedule.weekly[0].start is required',
        'schedule.weekly[0].end is required',
      ]);
      expect(
        errorsWith({
          weekly: [valid.weekly[0], { day: 'monday', start: '9:00', end: '24:01' }],
        }),
      ).toEqual([
        'schedule.weekly[1].day must be one of the following values: mon, tue, wed, thu, fri, sat, sun',
        'schedule.weekly[1].start must be a time HH:MM from 00:00 to 23:59',
        'schedule.weekly[1].end must be a time HH:MM from 00:00 to 24:00',
      ]);
    });

    it('takes times from 00:00 to 23:59, and 24:00 only as an end', () => {
      for (const time of ['24:00', '23:60', '12:5', '1200', null, 900]) {
        expect(errorsWith({ weekly: [{ day: 'tue', start: time, end: '23:59' }] })).toEqual([
          'schedule.weekly[0].start must be a time HH:MM from 00:00 to 23:59',
        ]);
      }
      expect(errorsWith({ weekly: [{ day: 'tue', start: '00:00', end: '23:59' }] })).toEqual([]);
    });

    it('needs end after start', () => {
      for (const end of ['09:00', '08:00', '00:00']) {
        expect(
          errorsWith({ weekly: [valid.weekly[0], { day: 'tue', start: '09:00', end }] }),
        ).toEqual(['schedule.weekly[1].end must be after start']);
      }
    });

    it('refuses intervals that overlap on one day, naming the later one', () => {
      expect(
        errorsWith({
          weekly: [
            { day: 'mon', start: '09:00', end: '12:00' },
            { day: 'tue', start: '10:00', end: '11:00' },
            { day: 'mon', start: '11:59', end: '14:00' },
            { day: 'mon', start: '10:00', end: '11:00' },
          ],
        }),
      ).toEqual([
        'schedule.weekly[2] overlaps schedule.weekly[0] on mon',
        'schedule.weekly[3] overlaps schedule.weekly[0] on mon',
      ]);
    });
  });

  describe('exceptions', () => {
    it('is a list of objects of bounded length', () => {
      expect(errorsWith({ exceptions: 'none' })).toEqual(['schedule.exceptions must be an array']);
      expect(errorsWith({ exceptions: [null] })).toEqual([
        'schedule.exceptions[0] must be an object',
      ]);
      const tooMany = Array.from({ length: MAX_EXCEPTIONS + 1 }, () => ({ date: '2026-12-25' }));
      expect(errorsWith({ exceptions: tooMany })).toEqual([
        `schedule.exceptions must contain no more than ${MAX_EXCEPTIONS} elements`,
      ]);
    });

    it('needs a date that exists, as YYYY-MM-DD', () => {
      expect(errorsWith({ exceptions: [{ day: 'mon' }] })).toEqual([
        'property schedule.exceptions[0].day should not exist',
        'schedule.exceptions[0].date is required',
      ]);
      for (const date of ['24.12.2026', '2026-12-24T00:00:00Z', '2026-1-5', 20261224]) {
        expect(errorsWith({ exceptions: [{ date }] })).toEqual([
          'schedule.exceptions[0].date must be a date YYYY-MM-DD',
        ]);
      }
      for (const date of ['2026-02-29', '2026-04-31', '2026-13-01', '2026-00-10']) {
        expect(errorsWith({ exceptions: [{ date }] })).toEqual([
          'schedule.exceptions[0].date must be a date that exists in the calendar',
        ]);
      }
      expect(errorsWith({ exceptions: [{ date: '2028-02-29' }] })).toEqual([]);
    });

    it('takes both times or neither, with end after start', () => {
      expect(errorsWith({ exceptions: [{ date: '2026-12-24', start: '09:00' }] })).toEqual([
        'schedule.exceptions[0].end is required',
      ]);
      expect(errorsWith({ exceptions: [{ date: '2026-12-24', end: '24:00' }] })).toEqual([
        'schedule.exceptions[0].start is required',
      ]);
      expect(
        errorsWith({ exceptions: [{ date: '2026-12-24', start: '13:00', end: '09:00' }] }),
      ).toEqual(['schedule.exceptions[0].end must be after start']);
      expect(
        errorsWith({ exceptions: [{ date: '2026-12-24', start: '24:00', end: 'noon' }] }),
      ).toEqual([
        'schedule.exceptions[0].start must be a time HH:MM from 00:00 to 23:59',
        'schedule.exceptions[0].end must be a time HH:MM from 00:00 to 24:00',
      ]);
    });

    it('refuses intervals of one date that overlap; other dates are independent', () => {
      expect(
        errorsWith({
          exceptions: [
            { date: '2026-12-24', start: '09:00', end: '13:00' },
            { date: '2026-12-31', start: '09:00', end: '13:00' },
            { date: '2026-12-24', start: '12:00', end: '14:00' },
          ],
        }),
      ).toEqual(['schedule.exceptions[2] overlaps schedule.exceptions[0] on 2026-12-24']);
    });

    it('keeps a day off the only exception of its date', () => {
      const message = (later: number, earlier: number) =>
        `schedule.exceptions[${later}] conflicts with schedule.exceptions[${earlier}]: ` +
        'a day off must be the only exception of 2026-12-25';
      expect(
        errorsWith({
          exceptions: [
            { date: '2026-12-25' },
            { date: '2026-12-25', start: '09:00', end: '10:00' },
          ],
        }),
      ).toEqual([message(1, 0)]);
      expect(
        errorsWith({
          exceptions: [
            { date: '2026-12-25', start: '09:00', end: '10:00' },
            { date: '2026-12-25' },
          ],
        }),
      ).toEqual([message(1, 0)]);
      expect(
        errorsWith({
          exceptions: [{ date: '2026-12-25' }, { date: '2026-12-26' }, { date: '2026-12-25' }],
        }),
      ).toEqual([message(2, 0)]);
    });
  });

  it('reports every problem at once, under the path it is given', () => {
    expect(
      validateSchedule(
        {
          time_zone: 'Nowhere',
          weekly: [{ day: 'sun', start: '10:00', end: '09:00' }],
          exceptions: [{ date: '2026-02-30' }],
        },
        'shift',
      ),
    ).toEqual([
      'shift.time_zone must be an IANA time zone, such as Europe/Berlin',
      'shift.weekly[0].end must be after start',
      'shift.exceptions[0].date must be a date that exists in the calendar',
    ]);
  });
});

describe('IsSchedule on a DTO', () => {
  class OperatorBody {
    @ScheduleField()
    schedule?: unknown;
  }

  const messagesFor = (body: object) =>
    validationMessages(validateSync(plainToInstance(OperatorBody, body), VALIDATION_OPTIONS));

  it('passes a valid schedule, null and absence', () => {
    expect(messagesFor({ schedule: valid })).toEqual([]);
    expect(messagesFor({ schedule: null })).toEqual([]);
    expect(messagesFor({})).toEqual([]);
  });

  it('names the field in the 400 message, all problems in one message', () => {
    expect(
      messagesFor({
        schedule: {
          ...valid,
          weekly: [valid.weekly[0], { day: 'tue', start: '10:00', end: '09:00' }],
        },
      }),
    ).toEqual(['schedule.weekly[1].end must be after start']);
    expect(messagesFor({ schedule: { ...valid, time_zone: 'Nowhere', weekly: 'mon' } })).toEqual([
      'schedule.time_zone must be an IANA time zone, such as Europe/Berlin; schedule.weekly must be an array',
    ]);
  });

  it('keeps the schedule as the plain object it came as', () => {
    const body = plainToInstance(OperatorBody, { schedule: valid });
    expect(body.schedule).toEqual(valid);
  });
});
