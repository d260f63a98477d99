import {
  coversWholeHour,
  isOnShift,
  nextShiftChange,
  Schedule,
  shiftStatus,
  WeeklyInterval,
  Weekday,
} from './schedule';

// Instants are written with their offset, so that each test reads as the clock on the wall.
// 2026-03-02 is a Monday. Europe/Berlin springs forward on 2026-03-29 and falls back on
// 2026-10-25; America/New_York on 2026-03-08 and 2026-11-01.
const at = (iso: string) => new Date(iso);

function schedule(
  timeZone: string,
  weekly: WeeklyInterval[],
  exceptions: Schedule['exceptions'] = [],
): Schedule {
  return { time_zone: timeZone, weekly, exceptions };
}

const days = (list: Weekday[], start: string, end: string): WeeklyInterval[] =>
  list.map((day) => ({ day, start, end }));

const WORKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const ALL_DAYS: Weekday[] = [...WORKDAYS, 'sat', 'sun'];
const officeHours = (zone: string) => schedule(zone, days(WORKDAYS, '09:00', '18:00'));

/** The next change as ISO in UTC, for readable failures. */
const nextChange = (s: Schedule | null, iso: string) =>
  nextShiftChange(s, at(iso))?.toISOString() ?? null;

describe('schedule evaluation', () => {
  describe('a null schedule', () => {
    it('is always on shift and never changes', () => {
      expect(shiftStatus(null, at('2026-03-02T03:00:00Z'))).toEqual({
        onShift: true,
        nextChange: null,
      });
      expect(coversWholeHour(null, at('2026-03-02T03:00:00Z'))).toBe(true);
    });
  });

  describe('office hours in two zones', () => {
    const berlin = officeHours('Europe/Berlin');
    const newYork = officeHours('America/New_York');

    it('is on shift inside the hours of the zone, and off outside', () => {
      expect(isOnShift(berlin, at('2026-03-02T09:00:00+01:00'))).toBe(true);
      expect(isOnShift(berlin, at('2026-03-02T17:59:00+01:00'))).toBe(true);
      expect(isOnShift(berlin, at('2026-03-02T08:59:00+01:00'))).toBe(false);
      expect(isOnShift(berlin, at('2026-03-02T18:00:00+01:00'))).toBe(false);
      expect(isOnShift(newYork, at('2026-03-02T10:00:00-05:00'))).toBe(true);
      expect(isOnShift(newYork, at('2026-03-02T20:00:00-05:00'))).toBe(false);
    });

    it('reads the same instant in each schedule’s own zone', () => {
      // 09:30 in Berlin is 03:30 in New York.
      const instant = '2026-03-02T08:30:00Z';
      expect(isOnShift(berlin, at(instant))).toBe(true);
      expect(isOnShift(newYork, at(instant))).toBe(false);
      expect(nextChange(newYork, instant)).toBe('2026-03-02T14:00:00.000Z');
    });

    it('names the end of the current shift, and the start of the next one', () => {
      expect(nextChange(berlin, '2026-03-02T10:00:00+01:00')).toBe('2026-03-02T17:00:00.000Z');
      expect(nextChange(berlin, '2026-03-02T07:00:00+01:00')).toBe('2026-03-02T08:00:00.000Z');
    });

    it('finds the next shift across midnight and over the weekend', () => {
      expect(nextChange(berlin, '2026-03-02T20:00:00+01:00')).toBe('2026-03-03T08:00:00.000Z');
      expect(nextChange(berlin, '2026-03-06T19:00:00+01:00')).toBe('2026-03-09T08:00:00.000Z');
    });

    it('changes exactly at a boundary, not before', () => {
      // At 18:00 the shift has ended; the next change is Tuesday's start.
      expect(nextChange(berlin, '2026-03-02T18:00:00+01:00')).toBe('2026-03-03T08:00:00.000Z');
    });
  });

  describe('intervals that meet', () => {
    it('merges touching intervals: no change at 12:00', () => {
      const split = schedule('Europe/Berlin', [
        { day: 'mon', start: '12:00', end: '14:00' },
        { day: 'mon', start: '09:00', end: '12:00' },
      ]);
      expect(isOnShift(split, at('2026-03-02T12:00:00+01:00'))).toBe(true);
      expect(nextChange(split, '2026-03-02T10:00:00+01:00')).toBe('2026-03-02T13:00:00.000Z');
    });

    it('runs a night shift through midnight with 24:00 and 00:00', () => {
      const night = schedule('Europe/Berlin', [
        { day: 'mon', start: '22:00', end: '24:00' },
        { day: 'tue', start: '00:00', end: '06:00' },
      ]);
      expect(isOnShift(night, at('2026-03-02T23:59:00+01:00'))).toBe(true);
      expect(isOnShift(night, at('2026-03-03T00:00:00+01:00'))).toBe(true);
      expect(nextChange(night, '2026-03-02T23:00:00+01:00')).toBe('2026-03-03T05:00:00.000Z');
      expect(nextChange(night, '2026-03-03T03:00:00+01:00')).toBe('2026-03-03T05:00:00.000Z');
    });

    it('ends a shift at 24:00 when the next day starts free', () => {
      const evening = schedule('Europe/Berlin', [{ day: 'mon', start: '18:00', end: '24:00' }]);
      expect(isOnShift(evening, at('2026-03-02T23:59:00+01:00'))).toBe(true);
      expect(isOnShift(evening, at('2026-03-03T00:00:00+01:00'))).toBe(false);
      expect(nextChange(evening, '2026-03-02T20:00:00+01:00')).toBe('2026-03-02T23:00:00.000Z');
    });

    it('wraps the week from Sunday into Monday', () => {
      const weekend = schedule('Europe/Berlin', [
        { day: 'sun', start: '22:00', end: '24:00' },
        { day: 'mon', start: '00:00', end: '02:00' },
      ]);
      expect(nextChange(weekend, '2026-03-08T23:00:00+01:00')).toBe('2026-03-09T01:00:00.000Z');
      // From Monday after the shift, the next one is Sunday night.
      expect(nextChange(weekend, '2026-03-09T03:00:00+01:00')).toBe('2026-03-15T21:00:00.000Z');
    });
  });

  describe('around the clock', () => {
    const always = schedule('Europe/Berlin', days(ALL_DAYS, '00:00', '24:00'));

    it('never changes when every day is covered', () => {
      expect(shiftStatus(always, at('2026-03-02T03:00:00Z'))).toEqual({
        onShift: true,
        nextChange: null,
      });
    });

    it('never changes when every day is covered in touching pieces', () => {
      const halves = schedule('America/New_York', [
        ...days(ALL_DAYS, '00:00', '12:00'),
        ...days(ALL_DAYS, '12:00', '24:00'),
      ]);
      expect(nextChange(halves, '2026-03-08T12:00:00Z')).toBe(null);
    });

    it('changes at a day off, however far ahead', () => {
      const withHoliday = { ...always, exceptions: [{ date: '2030-01-01' }] };
      expect(nextChange(withHoliday, '2026-03-02T03:00:00Z')).toBe('2029-12-31T23:00:00.000Z');
      expect(nextChange(withHoliday, '2030-01-01T12:00:00+01:00')).toBe('2030-01-01T23:00:00.000Z');
      expect(nextChange(withHoliday, '2030-01-02T12:00:00+01:00')).toBe(null);
    });

    it('is never on shift without hours, unless an exception gives some', () => {
      const none = schedule('Europe/Berlin', []);
      expect(shiftStatus(none, at('2026-03-02T10:00:00Z'))).toEqual({
        onShift: false,
        nextChange: null,
      });
      const oneDay = schedule(
        'Europe/Berlin',
        [],
        [{ date: '2027-05-03', start: '10:00', end: '12:00' }],
      );
      expect(nextChange(oneDay, '2026-03-02T10:00:00Z')).toBe('2027-05-03T08:00:00.000Z');
      expect(nextChange(oneDay, '2027-05-03T11:00:00+02:00')).toBe('2027-05-03T10:00:00.000Z');
      expect(nextChange(oneDay, '2027-05-03T13:00:00+02:00')).toBe(null);
    });
  });

  describe('exceptions', () => {
    const christmas = schedule('Europe/Berlin', days(WORKDAYS, '09:00', '18:00'), [
      { date: '2026-12-24', start: '09:00', end: '13:00' },
      { date: '2026-12-25' },
    ]);

    it('replace the weekday’s hours with short hours', () => {
      expect(isOnShift(christmas, at('2026-12-24T12:00:00+01:00'))).toBe(true);
      expect(isOnShift(christmas, at('2026-12-24T14:00:00+01:00'))).toBe(false);
      expect(nextChange(christmas, '2026-12-24T10:00:00+01:00')).toBe('2026-12-24T12:00:00.000Z');
    });

    it('make a day off, which the next change skips', () => {
      expect(isOnShift(christmas, at('2026-12-25T10:00:00+01:00'))).toBe(false);
      // Thursday's short day ends; Friday is off, then the weekend: Monday 09:00.
      expect(nextChange(christmas, '2026-12-24T13:00:00+01:00')).toBe('2026-12-28T08:00:00.000Z');
    });

    it('give hours on a day without weekly ones, in several intervals', () => {
      const saturday = schedule('Europe/Berlin', days(WORKDAYS, '09:00', '18:00'), [
        { date: '2026-03-07', start: '14:00', end: '16:00' },
        { date: '2026-03-07', start: '10:00', end: '12:00' },
      ]);
      expect(isOnShift(saturday, at('2026-03-07T11:00:00+01:00'))).toBe(true);
      expect(isOnShift(saturday, at('2026-03-07T13:00:00+01:00'))).toBe(false);
      expect(nextChange(saturday, '2026-03-07T13:00:00+01:00')).toBe('2026-03-07T13:00:00.000Z');
      expect(nextChange(saturday, '2026-03-06T19:00:00+01:00')).toBe('2026-03-07T09:00:00.000Z');
    });
  });

  describe('daylight saving in Europe/Berlin', () => {
    it('follows the spring change: a Sunday 01:00–05:00 lasts three real hours', () => {
      const sunday = schedule('Europe/Berlin', [{ day: 'sun', start: '01:00', end: '05:00' }]);
      expect(nextChange(sunday, '2026-03-28T12:00:00+01:00')).toBe('2026-03-29T00:00:00.000Z');
      expect(nextChange(sunday, '2026-03-29T01:30:00+01:00')).toBe('2026-03-29T03:00:00.000Z');
      // A week later, summer time: 01:00 CEST.
      expect(nextChange(sunday, '2026-03-29T06:00:00+02:00')).toBe('2026-04-04T23:00:00.000Z');
    });

    it('starts a shift set in the skipped hour as late as the jump (RFC 5545)', () => {
      const fromGap = schedule('Europe/Berlin', [{ day: 'sun', start: '02:30', end: '06:00' }]);
      // 02:30 does not exist; read with the winter offset it is 03:30 CEST (01:30Z).
      expect(isOnShift(fromGap, at('2026-03-29T03:15:00+02:00'))).toBe(false);
      expect(nextChange(fromGap, '2026-03-29T03:15:00+02:00')).toBe('2026-03-29T01:30:00.000Z');
      const fromJump = schedule('Europe/Berlin', [{ day: 'sun', start: '02:00', end: '06:00' }]);
      expect(nextChange(fromJump, '2026-03-29T01:30:00+01:00')).toBe('2026-03-29T01:00:00.000Z');
    });

    it('drops a shift that ends before its jumped start, that Sunday only', () => {
      const brief = schedule('Europe/Berlin', [{ day: 'sun', start: '02:30', end: '03:15' }]);
      expect(nextChange(brief, '2026-03-29T01:00:00+01:00')).toBe('2026-04-05T00:30:00.000Z');
    });

    it('carries a night shift through the spring change', () => {
      const night = schedule('Europe/Berlin', [
        { day: 'sat', start: '22:00', end: '24:00' },
        { day: 'sun', start: '00:00', end: '06:00' },
      ]);
      expect(nextChange(night, '2026-03-28T23:00:00+01:00')).toBe('2026-03-29T04:00:00.000Z');
    });

    it('follows the autumn change: a repeated time is its first occurrence', () => {
      const untilRepeat = schedule('Europe/Berlin', [{ day: 'sun', start: '00:00', end: '02:30' }]);
      expect(nextChange(untilRepeat, '2026-10-25T01:00:00+02:00')).toBe('2026-10-25T00:30:00.000Z');
      // The second 02:15 (winter time) comes after the shift ended.
      expect(isOnShift(untilRepeat, at('2026-10-25T02:15:00+01:00'))).toBe(false);

      const fromRepeat = schedule('Europe/Berlin', [{ day: 'sun', start: '02:30', end: '05:00' }]);
      expect(isOnShift(fromRepeat, at('2026-10-25T02:15:00+01:00'))).toBe(true);
      expect(nextChange(fromRepeat, '2026-10-25T02:15:00+01:00')).toBe('2026-10-25T04:00:00.000Z');
    });

    it('lengthens a Sunday 01:00–05:00 to five real hours in autumn', () => {
      const sunday = schedule('Europe/Berlin', [{ day: 'sun', start: '01:00', end: '05:00' }]);
      expect(nextChange(sunday, '2026-10-24T12:00:00+02:00')).toBe('2026-10-24T23:00:00.000Z');
      expect(nextChange(sunday, '2026-10-25T01:30:00+02:00')).toBe('2026-10-25T04:00:00.000Z');
    });
  });

  describe('daylight saving in America/New_York', () => {
    const newYork = officeHours('America/New_York');

    it('keeps office hours at 09:00 local across the spring change', () => {
      // Friday 18:00 EST to Monday 09:00 EDT.
      expect(nextChange(newYork, '2026-03-06T18:00:00-05:00')).toBe('2026-03-09T13:00:00.000Z');
      expect(nextChange(newYork, '2026-03-09T10:00:00-04:00')).toBe('2026-03-09T22:00:00.000Z');
    });

    it('keeps them across the autumn change', () => {
      expect(nextChange(newYork, '2026-10-30T18:00:00-04:00')).toBe('2026-11-02T14:00:00.000Z');
    });

    it('resolves the skipped and the repeated hour as in Berlin', () => {
      const early = schedule('America/New_York', [{ day: 'sun', start: '01:00', end: '05:00' }]);
      expect(nextChange(early, '2026-03-08T01:30:00-05:00')).toBe('2026-03-08T09:00:00.000Z');
      const untilRepeat = schedule('America/New_York', [
        { day: 'sun', start: '00:00', end: '01:30' },
      ]);
      expect(nextChange(untilRepeat, '2026-11-01T01:00:00-04:00')).toBe('2026-11-01T05:30:00.000Z');
    });
  });

  describe('zones far from UTC, and a skipped midnight', () => {
    it('reads the local date, a day ahead of or behind UTC', () => {
      // Monday 10:00 at UTC+14 is Sunday in UTC; Monday 18:00 at UTC-11 is Tuesday in UTC.
      const kiritimati = officeHours('Pacific/Kiritimati');
      expect(isOnShift(kiritimati, at('2026-03-01T20:00:00Z'))).toBe(true);
      expect(nextChange(kiritimati, '2026-03-01T20:00:00Z')).toBe('2026-03-02T04:00:00.000Z');
      const pagoPago = officeHours('Pacific/Pago_Pago');
      expect(isOnShift(pagoPago, at('2026-03-03T05:00:00Z'))).toBe(false);
      expect(nextChange(pagoPago, '2026-03-03T05:00:00Z')).toBe('2026-03-03T20:00:00.000Z');
    });

    it('joins 24:00 and 00:00 where midnight is skipped (America/Santiago, 2026-09-06)', () => {
      const night = schedule('America/Santiago', [
        { day: 'sat', start: '22:00', end: '24:00' },
        { day: 'sun', start: '00:00', end: '02:00' },
      ]);
      // Saturday 22:00 -04 to Sunday 02:00 -03: the clock goes from 24:00 straight to 01:00.
      expect(nextChange(night, '2026-09-05T21:00:00-04:00')).toBe('2026-09-06T02:00:00.000Z');
      expect(nextChange(night, '2026-09-05T23:00:00-04:00')).toBe('2026-09-06T05:00:00.000Z');
      expect(isOnShift(night, at('2026-09-06T01:30:00-03:00'))).toBe(true);
    });
  });

  describe(coversWholeHour.name, () => {
    const berlin = officeHours('Europe/Berlin');

    it('needs the whole hour on shift', () => {
      expect(coversWholeHour(berlin, at('2026-03-02T09:00:00+01:00'))).toBe(true);
      expect(coversWholeHour(berlin, at('2026-03-02T17:00:00+01:00'))).toBe(true);
      expect(coversWholeHour(berlin, at('2026-03-02T17:30:00+01:00'))).toBe(false);
      expect(coversWholeHour(berlin, at('2026-03-02T08:30:00+01:00'))).toBe(false);
      expect(coversWholeHour(berlin, at('2026-03-07T10:00:00+01:00'))).toBe(false);
    });

    it('counts touching intervals as one', () => {
      const split = schedule('Europe/Berlin', [
        { day: 'mon', start: '09:00', end: '12:00' },
        { day: 'mon', start: '12:00', end: '14:00' },
      ]);
      expect(coversWholeHour(split, at('2026-03-02T11:30:00+01:00'))).toBe(true);
    });

    it('measures real hours on daylight-saving days', () => {
      // 01:00–03:00 on the spring Sunday is one real hour (01:00 CET to 03:00 CEST).
      const early = schedule('Europe/Berlin', [{ day: 'sun', start: '01:00', end: '03:00' }]);
      expect(coversWholeHour(early, at('2026-03-29T00:00:00Z'))).toBe(true);
      expect(coversWholeHour(early, at('2026-03-29T00:30:00Z'))).toBe(false);
      // 02:00–03:00 on the autumn Sunday is two real hours (02:00 CEST to 03:00 CET).
      const repeated = schedule('Europe/Berlin', [{ day: 'sun', start: '02:00', end: '03:00' }]);
      expect(coversWholeHour(repeated, at('2026-10-25T00:00:00Z'))).toBe(true);
      expect(coversWholeHour(repeated, at('2026-10-25T01:00:00Z'))).toBe(true);
      expect(coversWholeHour(repeated, at('2026-11-01T01:00:00Z'))).toBe(true);
      expect(coversWholeHour(repeated, at('2026-11-01T01:30:00Z'))).toBe(false);
    });
  });
});
