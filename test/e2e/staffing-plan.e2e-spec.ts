import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { fakeDateOnly } from '../utils/fake-date';

const at = (iso: string) => jest.setSystemTime(new Date(iso));

// "Now" for every plan below: Wednesday 2026-03-04 12:07 UTC. The window ends at 12:00 (a whole
// quarter hour); the coming seven days are Wednesday 4 to Tuesday 10 March. New York moved to
// daylight time (UTC−4) on Sunday 8 March, Berlin stays on UTC+1 until 29 March.
const NOW = '2026-03-04T12:07:00Z';
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const index = (day: string, hour: number) => DAYS.indexOf(day) * 24 + hour;

type Cell = {
  day: string;
  hour: number;
  arrivals_per_hour: number;
  required_capacity: number | null;
  scheduled_capacity: number;
  gap: number | null;
};

/** The cells whose `field` is not 0, as { "mon 9": value }, for readable failures. */
const nonZero = (cells: Cell[], field: keyof Cell) =>
  Object.fromEntries(
    cells.filter((c) => c[field] !== 0).map((c) => [`${c.day} ${c.hour}`, c[field]]),
  );

/** { "mon 9": value } for the hours `from`..`to` (inclusive) of `day`. */
const hours = (day: string, from: number, to: number, value: number) =>
  Object.fromEntries(
    Array.from({ length: to - from + 1 }, (_, i) => [`${day} ${from + i}`, value]),
  );

describe('Staffing plan (e2e)', () => {
  let t: TestApp;
  let source: Record<string, any>;
  let unhandled: Record<string, any>;

  const plan = (query: Record<string, string | number>) =>
    t.http().get('/staffing/plan').query(query);
  const close = (id: number) =>
    t.http().patch(`/requests/${id}/status`).query({ status: 'closed' }).expect(200);
  /** A request created at `iso` and closed `handleSeconds` later (assigned at once: room). */
  const handled = async (sourceId: number, iso: string, handleSeconds: number) => {
    at(iso);
    const request = await given(t).request(sourceId);
    expect(request.operator_id).not.toBeNull();
    at(new Date(Date.parse(iso) + handleSeconds * 1000).toISOString());
    await close(request.id);
  };

  beforeAll(async () => {
    t = await createTestApp();
    source = await given(t).source();
    const other = await given(t).source();
    unhandled = await given(t).source();
    const berlin = await given(t).operator({
      max_load: 3,
      schedule: {
        time_zone: 'Europe/Berlin',
        weekly: [{ day: 'mon', start: '09:00', end: '17:00' }],
        // Monday 9 March, in the coming week: only from 10:00.
        exceptions: [{ date: '2026-03-09', start: '10:00', end: '17:00' }],
      },
    });
    const newYork = await given(t).operator({
      max_load: 2,
      schedule: {
        time_zone: 'America/New_York',
        weekly: [{ day: 'mon', start: '09:00', end: '17:00' }],
        exceptions: [],
      },
    });
    const always = await given(t).operator({ max_load: 1 });
    const inactive = await given(t).operator({ max_load: 50, is_active: false });
    const zeroWeight = await given(t).operator({ max_load: 50 });
    await given(t).weights(source.id, [
      { operator_id: berlin.id, weight: 1 },
      { operator_id: newYork.id, weight: 1 },
      { operator_id: always.id, weight: 1 },
      { operator_id: inactive.id, weight: 1 },
      { operator_id: zeroWeight.id, weight: 0 },
    ]);
    await given(t).weights(other.id, [{ operator_id: always.id, weight: 1 }]);
    await given(t).weights(unhandled.id, [{ operator_id: always.id, weight: 1 }]);

    fakeDateOnly();
    // Three weeks back (inside weeks=3 only): Monday 09:00 UTC, handled in 3000 s.
    await handled(source.id, '2026-02-16T09:00:00Z', 3000);
    // Monday 23 February 09:00–09:30 UTC: three requests of 300 s.
    await handled(source.id, '2026-02-23T09:00:00Z', 300);
    await handled(source.id, '2026-02-23T09:10:00Z', 300);
    await handled(source.id, '2026-02-23T09:20:00Z', 300);
    // Another source in the same hour: not this plan's.
    await handled(other.id, '2026-02-23T09:40:00Z', 60);
    // Saturday 28 February 22:30 UTC: two of 300 s.
    await handled(source.id, '2026-02-28T22:30:00Z', 300);
    await handled(source.id, '2026-02-28T22:40:00Z', 300);
    // Monday 2 March 09:30 UTC: one of 600 s.
    await handled(source.id, '2026-03-02T09:30:00Z', 600);
    // Tuesday 3 March 10:00 UTC: one still open (an arrival, no handle time).
    at('2026-03-03T10:00:00Z');
    await given(t).request(source.id);
    // After the window's end (12:00), before now: not counted yet.
    at('2026-03-04T12:03:00Z');
    await given(t).request(source.id);
    // A source whose only request was never closed.
    at('2026-03-02T09:00:00Z');
    await given(t).request(unhandled.id);
    at(NOW);
  });
  afterAll(async () => {
    jest.useRealTimers();
    await t.close();
  });

  it('averages the arrivals of each hour of the week over the weeks, in UTC by default', async () => {
    const { body } = await plan({ source_id: source.id, weeks: 2 }).expect(200);
    expect(body).toMatchObject({
      source_id: source.id,
      weeks: 2,
      time_zone: 'UTC',
      from: '2026-02-18T12:00:00.000Z',
      to: '2026-03-04T12:00:00.000Z',
      target_answer_seconds: 60,
      target_service_level: 0.8,
      // (3 × 300 + 2 × 300 + 600) / 6: the open request has no handle time yet.
      aht_seconds: 350,
    });
    expect(body.cells).toHaveLength(168);
    expect(body.cells.map((c: Cell) => [c.day, c.hour])).toEqual(
      DAYS.flatMap((day) => Array.from({ length: 24 }, (_, hour) => [day, hour])),
    );
    expect(nonZero(body.cells, 'arrivals_per_hour')).toEqual({
      'mon 9': 2, // (3 + 1) / 2
      'sat 22': 1,
      'tue 10': 0.5,
    });
  });

  it('reaches back `weeks` weeks for arrivals and handle time alike', async () => {
    const { body } = await plan({ source_id: source.id, weeks: 3 }).expect(200);
    expect(body.from).toBe('2026-02-11T12:00:00.000Z');
    expect(body.aht_seconds).toBe(728.57); // (2100 + 3000) / 7
    expect(nonZero(body.cells, 'arrivals_per_hour')).toEqual({
      'mon 9': 1.6667, // (1 + 3 + 1) / 3
      'sat 22': 0.6667,
      'tue 10': 0.3333,
    });
    const { body: one } = await plan({ source_id: source.id, weeks: 1 }).expect(200);
    expect(one.aht_seconds).toBe(400); // (2 × 300 + 600) / 3
    expect(nonZero(one.cells, 'arrivals_per_hour')).toEqual({
      'mon 9': 1,
      'sat 22': 2,
      'tue 10': 1,
    });
  });

  it('reads the weekday and hour of each arrival in the requested zone', async () => {
    const berlin = await plan({ source_id: source.id, weeks: 2, time_zone: 'Europe/Berlin' });
    expect(berlin.status).toBe(200);
    expect(nonZero(berlin.body.cells, 'arrivals_per_hour')).toEqual({
      'mon 10': 2,
      'sat 23': 1,
      'tue 11': 0.5,
    });
    // New York was on UTC−5 before 8 March.
    const newYork = await plan({ source_id: source.id, weeks: 2, time_zone: 'America/New_York' });
    expect(nonZero(newYork.body.cells, 'arrivals_per_hour')).toEqual({
      'mon 4': 2,
      'sat 17': 1,
      'tue 5': 0.5,
    });
  });

  it('schedules max_load of active, weighted operators by their schedules in two zones', async () => {
    // Monday 9 March: Berlin's exception 10:00–17:00 (UTC+1) is 09:00–16:00 UTC, New York's
    // 09:00–17:00 (UTC−4) is 13:00–21:00 UTC; the operator without schedule is always there;
    // the inactive one and the one with weight 0 never count.
    const utc = await plan({ source_id: source.id }).expect(200);
    expect(nonZero(utc.body.cells, 'scheduled_capacity')).toEqual({
      ...Object.fromEntries(
        DAYS.flatMap((day) => Array.from({ length: 24 }, (_, h) => [`${day} ${h}`, 1])),
      ),
      ...hours('mon', 9, 12, 4),
      ...hours('mon', 13, 15, 6),
      ...hours('mon', 16, 20, 3),
    });

    const berlin = await plan({ source_id: source.id, time_zone: 'Europe/Berlin' }).expect(200);
    const monday = berlin.body.cells.slice(index('mon', 0), index('mon', 24));
    expect(monday.map((c: Cell) => c.scheduled_capacity)).toEqual([
      ...[1, 1, 1, 1, 1, 1, 1, 1, 1, 1], // 00..09: the exception moves Berlin's start to 10:00
      ...[4, 4, 4, 4], // 10..13
      ...[6, 6, 6], // 14..16: New York from 14:00 Berlin time
      ...[3, 3, 3, 3, 3], // 17..21
      ...[1, 1],
    ]);
    expect(berlin.body.cells[index('tue', 10)].scheduled_capacity).toBe(1);
  });

  it('needs what POST /staffing/erlang-c answers for each cell’s figures', async () => {
    const targetSets: Record<string, number>[] = [
      {},
      { target_answer_seconds: 20, target_service_level: 0.95 },
      { target_answer_seconds: 0, target_service_level: 0.5 },
    ];
    for (const targets of targetSets) {
      const { body } = await plan({ source_id: source.id, weeks: 3, ...targets }).expect(200);
      const busy = body.cells.filter((c: Cell) => c.arrivals_per_hour > 0);
      expect(busy).toHaveLength(3);
      for (const cell of busy) {
        const calculator = await t
          .http()
          .post('/staffing/erlang-c')
          .send({
            arrivals: cell.arrivals_per_hour,
            interval_minutes: 60,
            aht_seconds: body.aht_seconds,
            target_answer_seconds: body.target_answer_seconds,
            target_service_level: body.target_service_level,
          })
          .expect(200);
        expect(cell.required_capacity).toBe(calculator.body.raw_agents);
        expect(cell.required_capacity).toBeGreaterThan(0);
        expect(cell.gap).toBe(cell.scheduled_capacity - cell.required_capacity);
      }
      const idle = body.cells.filter((c: Cell) => c.arrivals_per_hour === 0);
      expect(idle.every((c: Cell) => c.required_capacity === 0)).toBe(true);
      expect(idle.every((c: Cell) => c.gap === c.scheduled_capacity)).toBe(true);
    }
  });

  it('leaves required capacity unknown (null) where requests arrive but none was handled', async () => {
    const { body } = await plan({ source_id: unhandled.id, weeks: 1 }).expect(200);
    expect(body.aht_seconds).toBeNull();
    expect(body.cells[index('mon', 9)]).toEqual({
      day: 'mon',
      hour: 9,
      arrivals_per_hour: 1,
      required_capacity: null,
      scheduled_capacity: 1,
      gap: null,
    });
    expect(body.cells[index('mon', 10)]).toMatchObject({ required_capacity: 0, gap: 1 });
  });

  it('answers 404 for a source that does not exist', async () => {
    const { body } = await plan({ source_id: 999_999 }).expect(404);
    expect(body.message).toBe('source 999999 not found');
  });

  it.each([
    [{}, 'source_id'],
    [{ source_id: 0 }, 'source_id'],
    [{ source_id: 'one' }, 'source_id'],
    [{ weeks: 0 }, 'weeks'],
    [{ weeks: 53 }, 'weeks'],
    [{ weeks: 1.5 }, 'weeks'],
    [{ time_zone: 'Mars/Olympus' }, 'time_zone'],
    [{ time_zone: 'europe/berlin' }, 'time_zone'],
    [{ target_answer_seconds: -1 }, 'target_answer_seconds'],
    [{ target_answer_seconds: 604_801 }, 'target_answer_seconds'],
    [{ target_answer_seconds: 'soon' }, 'target_answer_seconds'],
    [{ target_service_level: 0 }, 'target_service_level'],
    [{ target_service_level: 1 }, 'target_service_level'],
    [{ target_service_level: 'high' }, 'target_service_level'],
    [{ shrinkage: 0.3 }, 'property shrinkage should not exist'],
  ])('rejects %j with 400 naming %s', async (query, field) => {
    const withSource =
      'source_id' in query || Object.keys(query).length === 0 ? {} : { source_id: 1 };
    const { body } = await plan({ ...withSource, ...query } as Record<string, string | number>);
    expect(body.statusCode).toBe(400);
    const messages: string[] = [body.message].flat();
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((message) => message.includes(field))).toBe(true);
  });
});
