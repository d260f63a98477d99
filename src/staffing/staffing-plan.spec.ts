import type { Schedule, WeeklyInterval, Weekday } from '../shifts/schedule';
import { requiredServers, trafficErlangs } from './erlang-c';
import {
  arrivalsPerHour,
  type ArrivalBucket,
  HOURS_PER_WEEK,
  planCells,
  type PlannedOperator,
  scheduledCapacity,
} from './staffing-plan';

// 2026-03-02 is a Monday. Europe/Berlin springs forward on 2026-03-29 and falls back on
// 2026-10-25; America/New_York on 2026-03-08 and 2026-11-01.
const seconds = (iso: string) => Date.parse(iso) / 1000;
const WEEK = 7 * 24 * 3600;
const cell = (day: Weekday, hour: number) =>
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].indexOf(day) * 24 + hour;

/** `count` arrivals in the quarter hour starting at `iso` (UTC). */
const bucket = (iso: string, count = 1): ArrivalBucket => ({
  start: seconds(iso),
  arrivals: count,
});

/** The cells that are not 0, as { index: value }, for readable failures. */
const nonZero = (cells: number[]) =>
  Object.fromEntries(cells.flatMap((value, index) => (value === 0 ? [] : [[index, value]])));

describe('staffing plan', () => {
  describe(arrivalsPerHour.name, () => {
    // Two weeks ending Monday 2026-03-02 00:00 UTC (winter in both zones).
    const to = seconds('2026-03-02T00:00:00Z');
    const from = to - 2 * WEEK;

    it('averages each hour of the week over the weeks of the window (UTC)', () => {
      const sut = arrivalsPerHour(
        [
          bucket('2026-02-16T09:00:00Z', 3), // Monday 09:00, week 1
          bucket('2026-02-23T09:45:00Z', 1), // Monday 09:45, week 2
          bucket('2026-02-22T23:15:00Z', 4), // Sunday 23:15
        ],
        from,
        to,
        'UTC',
      );
      expect(sut).toHaveLength(HOURS_PER_WEEK);
      expect(nonZero(sut)).toEqual({ [cell('mon', 9)]: 2, [cell('sun', 23)]: 2 });
    });

    it('puts each arrival in the hour of Europe/Berlin (UTC+1 in winter)', () => {
      const sut = arrivalsPerHour(
        [bucket('2026-02-16T08:30:00Z', 2), bucket('2026-02-22T23:00:00Z', 2)],
        from,
        to,
        'Europe/Berlin',
      );
      // Monday 09:30 and, past Berlin's midnight, Monday 00:00.
      expect(nonZero(sut)).toEqual({ [cell('mon', 9)]: 1, [cell('mon', 0)]: 1 });
    });

    it('puts each arrival in the hour of America/New_York (UTC−5), across its midnight', () => {
      const sut = arrivalsPerHour(
        [bucket('2026-02-16T03:00:00Z', 2), bucket('2026-02-16T14:15:00Z', 4)],
        from,
        to,
        'America/New_York',
      );
      // Monday 03:00 UTC is Sunday 22:00 in New York; 14:15 is Monday 09:15.
      expect(nonZero(sut)).toEqual({ [cell('sun', 22)]: 1, [cell('mon', 9)]: 2 });
    });

    it('splits a UTC hour between two local hours in a half-hour zone (Asia/Kolkata)', () => {
      const sut = arrivalsPerHour(
        [bucket('2026-02-16T03:15:00Z', 2), bucket('2026-02-16T03:30:00Z', 2)],
        from,
        to,
        'Asia/Kolkata',
      );
      // 08:45 and 09:00 in India (UTC+05:30).
      expect(nonZero(sut)).toEqual({ [cell('mon', 8)]: 1, [cell('mon', 9)]: 1 });
    });

    it('ignores quarters outside the window', () => {
      const sut = arrivalsPerHour(
        [bucket('2026-02-15T23:45:00Z', 5), bucket('2026-03-02T00:00:00Z', 5)],
        from,
        to,
        'UTC',
      );
      expect(nonZero(sut)).toEqual({});
    });

    it('follows Berlin’s offset across the spring change inside the window', () => {
      // Four weeks ending Monday 2026-04-06: Sunday 2026-03-29 springs forward at 01:00 UTC.
      const end = seconds('2026-04-06T00:00:00Z');
      const sut = arrivalsPerHour(
        [
          bucket('2026-03-16T08:00:00Z', 1), // Monday 09:00 CET
          bucket('2026-03-30T07:00:00Z', 1), // Monday 09:00 CEST
          bucket('2026-03-29T01:00:00Z', 3), // Sunday 03:00 CEST, right after the jump
        ],
        end - 4 * WEEK,
        end,
        'Europe/Berlin',
      );
      expect(nonZero(sut)).toEqual({ [cell('mon', 9)]: 0.5, [cell('sun', 3)]: 0.75 });
    });

    it('divides the skipped hour by the three times it happened, not four', () => {
      const end = seconds('2026-04-06T00:00:00Z');
      const sut = arrivalsPerHour(
        [bucket('2026-03-22T01:00:00Z', 3)], // Sunday 02:00 CET, the week before the change
        end - 4 * WEEK,
        end,
        'Europe/Berlin',
      );
      expect(nonZero(sut)).toEqual({ [cell('sun', 2)]: 1 });
    });

    it('counts a cell the window never showed (the skipped hour, one week) as 0', () => {
      const end = seconds('2026-03-30T00:00:00Z');
      const sut = arrivalsPerHour([], end - WEEK, end, 'Europe/Berlin');
      expect(sut[cell('sun', 2)]).toBe(0);
      expect(sut.every((value) => Number.isFinite(value))).toBe(true);
    });

    it('counts both runs of the repeated autumn hour, as two hours of the window', () => {
      // Four weeks ending Monday 2026-11-02; Sunday 2026-10-25 shows 02:00–03:00 twice in Berlin:
      // at 00:00 UTC (CEST) and 01:00 UTC (CET).
      const end = seconds('2026-11-02T00:00:00Z');
      const sut = arrivalsPerHour(
        [bucket('2026-10-25T00:00:00Z', 1), bucket('2026-10-25T01:30:00Z', 1)],
        end - 4 * WEEK,
        end,
        'Europe/Berlin',
      );
      // Two arrivals over five hours of Sunday 02:00.
      expect(nonZero(sut)).toEqual({ [cell('sun', 2)]: 0.4 });
    });

    it('gives every hour the number of weeks as its denominator away from any change', () => {
      // One arrival in every quarter of four weeks: four per hour, whatever the zone.
      const end = seconds('2026-03-02T00:00:00Z');
      const every: ArrivalBucket[] = [];
      for (let start = end - 4 * WEEK; start < end; start += 900)
        every.push({ start, arrivals: 1 });
      for (const zone of ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu']) {
        expect(new Set(arrivalsPerHour(every, end - 4 * WEEK, end, zone))).toEqual(new Set([4]));
      }
    });
  });

  describe(scheduledCapacity.name, () => {
    const schedule = (
      zone: string,
      weekly: WeeklyInterval[],
      exceptions: Schedule['exceptions'] = [],
    ): Schedule => ({ time_zone: zone, weekly, exceptions });
    const operator = (overrides: Partial<PlannedOperator>): PlannedOperator => ({
      isActive: true,
      weight: 1,
      maxLoad: 1,
      schedule: null,
      ...overrides,
    });
    const mondayNineToFive = (zone: string) =>
      schedule(zone, [{ day: 'mon', start: '09:00', end: '17:00' }]);
    // Wednesday 2026-03-04, noon UTC: the coming seven days are Wednesday 4 to Tuesday 10 March.
    const now = new Date('2026-03-04T12:00:00Z');

    it('sums max_load of operators without a schedule into every hour', () => {
      const sut = scheduledCapacity(
        [operator({ maxLoad: 3 }), operator({ maxLoad: 2 })],
        'UTC',
        now,
      );
      expect(new Set(sut)).toEqual(new Set([5]));
    });

    it('leaves out inactive operators, weight 0 and max_load 0', () => {
      const sut = scheduledCapacity(
        [
          operator({ maxLoad: 3, isActive: false }),
          operator({ maxLoad: 3, weight: 0 }),
          operator({ maxLoad: 0 }),
          operator({ maxLoad: 1 }),
        ],
        'UTC',
        now,
      );
      expect(new Set(sut)).toEqual(new Set([1]));
    });

    it('reads a Berlin schedule in New York’s hours', () => {
      // Monday 9 March: Berlin is UTC+1, New York already on daylight time (UTC−4), so
      // 09:00–17:00 in Berlin is 04:00–12:00 in New York.
      const sut = scheduledCapacity(
        [operator({ maxLoad: 4, schedule: mondayNineToFive('Europe/Berlin') })],
        'America/New_York',
        now,
      );
      const expected = Object.fromEntries(
        [4, 5, 6, 7, 8, 9, 10, 11].map((h) => [cell('mon', h), 4]),
      );
      expect(nonZero(sut)).toEqual(expected);
    });

    it('reads a New York schedule in Berlin’s hours, and sums two zones', () => {
      const sut = scheduledCapacity(
        [
          operator({ maxLoad: 2, schedule: mondayNineToFive('America/New_York') }),
          operator({ maxLoad: 1, schedule: mondayNineToFive('Europe/Berlin') }),
        ],
        'Europe/Berlin',
        now,
      );
      // New York 09:00–17:00 (UTC−4 on 9 March) is 14:00–22:00 in Berlin (UTC+1).
      expect(sut.slice(cell('mon', 0), cell('mon', 24))).toEqual([
        ...[0, 0, 0, 0, 0, 0, 0, 0, 0],
        ...[1, 1, 1, 1, 1], // 09..13
        ...[3, 3, 3], // 14..16
        ...[2, 2, 2, 2, 2], // 17..21
        ...[0, 0],
      ]);
    });

    it('counts only hours the schedule covers whole', () => {
      const sut = scheduledCapacity(
        [operator({ schedule: schedule('UTC', [{ day: 'tue', start: '09:30', end: '11:00' }]) })],
        'UTC',
        now,
      );
      expect(nonZero(sut)).toEqual({ [cell('tue', 10)]: 1 });
    });

    it('applies an exception dated in the coming seven days', () => {
      const sut = scheduledCapacity(
        [
          operator({
            schedule: schedule(
              'UTC',
              [
                { day: 'fri', start: '09:00', end: '11:00' },
                { day: 'sat', start: '09:00', end: '11:00' },
              ],
              [
                { date: '2026-03-06', start: '14:00', end: '15:00' }, // this Friday
                { date: '2026-03-14' }, // Saturday of the week after: not in the plan
              ],
            ),
          }),
        ],
        'UTC',
        now,
      );
      expect(nonZero(sut)).toEqual({
        [cell('fri', 14)]: 1,
        [cell('sat', 9)]: 1,
        [cell('sat', 10)]: 1,
      });
    });

    it('takes each weekday on its own date, so the coming week’s offset applies', () => {
      // Wednesday 2026-03-25: Berlin springs forward on Sunday 29 March, inside the week.
      const sut = scheduledCapacity(
        [
          operator({
            schedule: schedule('Europe/Berlin', [
              { day: 'wed', start: '09:00', end: '10:00' },
              { day: 'mon', start: '09:00', end: '10:00' },
            ]),
          }),
        ],
        'UTC',
        new Date('2026-03-25T12:00:00Z'),
      );
      // Wednesday 25 March is CET (08:00 UTC), Monday 30 March CEST (07:00 UTC).
      expect(nonZero(sut)).toEqual({ [cell('wed', 8)]: 1, [cell('mon', 7)]: 1 });
    });

    it('takes today from the requested zone', () => {
      // Tuesday 2026-03-10 23:30 in New York is already Wednesday 11 March in UTC, so the week
      // is Tuesday 10 to Monday 16 in New York: the exception on Tuesday the 10th applies.
      const sut = scheduledCapacity(
        [
          operator({
            schedule: schedule(
              'America/New_York',
              [{ day: 'tue', start: '09:00', end: '10:00' }],
              [{ date: '2026-03-10' }],
            ),
          }),
        ],
        'America/New_York',
        new Date('2026-03-11T03:30:00Z'),
      );
      expect(nonZero(sut)).toEqual({});
    });
  });

  describe(planCells.name, () => {
    const targets = { targetAnswerSeconds: 20, targetServiceLevel: 0.8 };
    const arrivals = new Array<number>(HOURS_PER_WEEK).fill(0);
    arrivals[cell('mon', 9)] = 200; // 200 an hour of 180 s: 10 erlangs
    arrivals[cell('mon', 10)] = 1 / 3;
    const scheduled = new Array<number>(HOURS_PER_WEEK).fill(5);

    it('gives 168 cells from Monday 00:00 to Sunday 23:00', () => {
      const sut = planCells(arrivals, 180, scheduled, targets);
      expect(sut).toHaveLength(HOURS_PER_WEEK);
      expect(sut[0]).toMatchObject({ day: 'mon', hour: 0 });
      expect(sut[25]).toMatchObject({ day: 'tue', hour: 1 });
      expect(sut[167]).toMatchObject({ day: 'sun', hour: 23 });
    });

    it('needs Erlang C’s servers where requests arrive, and nobody where none do', () => {
      const sut = planCells(arrivals, 180, scheduled, targets);
      // 10 erlangs, 80% within 20 s, no occupancy cap: 14 (the pyworkforce example, uncapped).
      expect(sut[cell('mon', 9)]).toEqual({
        day: 'mon',
        hour: 9,
        arrivals_per_hour: 200,
        required_capacity: 14,
        scheduled_capacity: 5,
        gap: -9,
      });
      expect(sut[cell('mon', 0)]).toMatchObject({ required_capacity: 0, gap: 5 });
    });

    it('computes from the figures as shown (4 decimals), as the calculator would', () => {
      const sut = planCells(arrivals, 180, scheduled, targets)[cell('mon', 10)];
      expect(sut.arrivals_per_hour).toBe(0.3333);
      const calculator = requiredServers({
        traffic: trafficErlangs(0.3333, 60, 180),
        ahtSeconds: 180,
        targetAnswerSeconds: 20,
        targetServiceLevel: 0.8,
        maxOccupancy: 1,
      });
      expect(sut.required_capacity).toBe(calculator.servers);
      expect(sut.required_capacity).toBe(1);
    });

    it('leaves required capacity and gap unknown where requests arrive but none was handled', () => {
      const sut = planCells(arrivals, null, scheduled, targets);
      expect(sut[cell('mon', 9)]).toMatchObject({ required_capacity: null, gap: null });
      expect(sut[cell('mon', 0)]).toMatchObject({ required_capacity: 0, gap: 5 });
    });
  });
});
