import { DateTime } from 'luxon';
import { performance } from 'node:perf_hooks';
import { ShiftPassService } from '../../src/shifts/shift-pass.service';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { fakeDateOnly } from '../utils/fake-date';
import { expectQuiescentInvariants } from '../utils/invariants';

type Body = Record<string, any>;

const pad = (n: number) => String(n).padStart(2, '0');

/** Today's current hour in `zone` as a one-off shift (an exception): on shift now. */
function thisHour(zone: string, now = DateTime.now()) {
  const local = now.setZone(zone).startOf('hour');
  const end = local.hour === 23 ? '24:00' : `${pad(local.hour + 1)}:00`;
  return {
    schedule: {
      time_zone: zone,
      weekly: [],
      exceptions: [{ date: local.toISODate(), start: `${pad(local.hour)}:00`, end }],
    },
    endsAt: local.plus({ hours: 1 }).toUTC().toISO(),
  };
}

/** No hours today; 09:00-10:00 tomorrow in `zone`: off shift now. */
function tomorrowMorning(zone: string, now = DateTime.now()) {
  const tomorrow = now.setZone(zone).startOf('day').plus({ days: 1 });
  return {
    schedule: {
      time_zone: zone,
      weekly: [],
      exceptions: [{ date: tomorrow.toISODate(), start: '09:00', end: '10:00' }],
    },
    startsAt: tomorrow.set({ hour: 9 }).toUTC().toJSDate(),
  };
}

/** Shifts: schedules, on_shift and its next change, and who gets work by them. */
describe('Shifts (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The shift pass runs on its real timer (500 ms); the drain sweep is off.
    t = await createTestApp({ env: { DRAIN_INTERVAL_MS: '0', SHIFT_INTERVAL_MS: '500' } });
  });
  afterAll(() => t.close());
  afterEach(async () => {
    jest.useRealTimers();
    await expectQuiescentInvariants(t.dataSource);
  });

  const get = async (path: string): Promise<Body> => (await t.http().get(path).expect(200)).body;

  it.each([
    [{ time_zone: 'Mars/Olympus', weekly: [], exceptions: [] }, 'schedule.time_zone'],
    [
      {
        time_zone: 'Europe/Berlin',
        weekly: [
          { day: 'mon', start: '09:00', end: '12:00' },
          { day: 'mon', start: '13:00', end: '12:30' },
        ],
        exceptions: [],
      },
      'schedule.weekly[1].end',
    ],
    [
      {
        time_zone: 'Europe/Berlin',
        weekly: [{ day: 'funday', start: '09:00', end: '12:00' }],
        exceptions: [],
      },
      'schedule.weekly[0].day',
    ],
    [
      {
        time_zone: 'Europe/Berlin',
        weekly: [
          { day: 'tue', start: '09:00', end: '12:00' },
          { day: 'tue', start: '11:00', end: '14:00' },
        ],
        exceptions: [],
      },
      'schedule.weekly[1]',
    ],
    [
      { time_zone: 'Europe/Berlin', weekly: [], exceptions: [{ date: '2026-02-30' }] },
      'schedule.exceptions[0].date',
    ],
    ['9 to 5', 'schedule'],
  ])('rejects schedule %j with 400 naming %s, on POST and PATCH', async (schedule, field) => {
    const post = await t.http().post('/operators').send({ name: 'S', schedule }).expect(400);
    expect(JSON.stringify(post.body.message)).toContain(field);
    const op = await given(t).operator();
    const patch = await t.http().patch(`/operators/${op.id}`).send({ schedule }).expect(400);
    expect(JSON.stringify(patch.body.message)).toContain(field);
    expect((await get(`/operators/${op.id}`)).schedule).toBeNull();
  });

  it('accepts touching intervals, and null for always on shift', async () => {
    const schedule = {
      time_zone: 'Europe/Berlin',
      weekly: [
        { day: 'mon', start: '09:00', end: '12:00' },
        { day: 'mon', start: '12:00', end: '24:00' },
      ],
      exceptions: [{ date: '2026-12-25' }],
    };
    const op = await given(t).operator({ schedule });
    expect(op.schedule).toEqual(schedule);
    expect(await get(`/operators/${op.id}`)).toMatchObject({ schedule });
    const cleared = await t
      .http()
      .patch(`/operators/${op.id}`)
      .send({ schedule: null })
      .expect(200);
    expect(cleared.body).toMatchObject({
      schedule: null,
      on_shift: true,
      next_shift_change_at: null,
    });
  });

  it.each(['Europe/Berlin', 'America/New_York'])(
    'shows on_shift and next_shift_change_at in %s',
    async (zone) => {
      const on = thisHour(zone);
      const onOp = await given(t).operator({ schedule: on.schedule });
      expect(onOp).toMatchObject({ on_shift: true, next_shift_change_at: on.endsAt });

      const off = tomorrowMorning(zone);
      const offOp = await given(t).operator();
      const patched = await t
        .http()
        .patch(`/operators/${offOp.id}`)
        .send({ schedule: off.schedule })
        .expect(200);
      expect(patched.body).toMatchObject({
        on_shift: false,
        next_shift_change_at: off.startsAt.toISOString(),
      });
      expect(await get(`/operators/${offOp.id}`)).toEqual(patched.body);
    },
  );

  it('an off-shift operator gets nothing; an on-shift one does', async () => {
    const offShift = await given(t).operator({
      schedule: tomorrowMorning('America/New_York').schedule,
    });
    const onShift = await given(t).operator({ schedule: thisHour('Europe/Berlin').schedule });
    const source = await given(t).source({ strategy: 'weighted-round-robin' });
    await given(t).weights(source.id, [
      { operator_id: offShift.id, weight: 5 },
      { operator_id: onShift.id, weight: 1 },
    ]);
    for (let i = 0; i < 3; i++) {
      expect((await given(t).request(source.id)).operator_id).toBe(onShift.id);
    }
    const request = await given(t).request(source.id);
    const decision = await get(`/requests/${request.id}/decision`);
    expect(decision.operators.find((o: Body) => o.operator_id === offShift.id)).toMatchObject({
      eligible: false,
      reason: 'off_shift',
    });
    expect((await get(`/operators/${offShift.id}`)).current_load).toBe(0);
  });

  it('a shift start drains the queue within 2 s; its end keeps the requests', async () => {
    const { schedule, startsAt } = tomorrowMorning('Europe/Berlin');
    const op = await given(t).operator({ schedule, max_load: 5 });
    const source = await given(t).source();
    await given(t).weights(source.id, [{ operator_id: op.id, weight: 1 }]);
    const queued = [];
    for (let i = 0; i < 2; i++) queued.push(await given(t).request(source.id));
    expect(queued.map((r) => r.operator_id)).toEqual([null, null]);

    // The clock (Date only) jumps to the shift's start; the pass runs on its real timer. Timing
    // itself is under test (within 2 s), polled by performance.now(): eventually() reads Date.
    fakeDateOnly();
    jest.setSystemTime(startsAt.getTime() + 100);
    const started = performance.now();
    let assigned: Body[] = [];
    while (performance.now() - started < 2000) {
      assigned = await Promise.all(queued.map((r) => get(`/requests/${r.id}`)));
      if (assigned.every((r) => r.operator_id === op.id)) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(assigned.map((r) => r.operator_id)).toEqual([op.id, op.id]);
    expect(await get(`/operators/${op.id}`)).toMatchObject({
      on_shift: true,
      next_shift_change_at: new Date(startsAt.getTime() + 3_600_000).toISOString(),
    });

    // An hour later the shift is over: the pass records it, the requests stay, new ones wait.
    jest.setSystemTime(startsAt.getTime() + 3_600_000 + 100);
    expect(await t.app.get(ShiftPassService).tick()).toBeGreaterThanOrEqual(1);
    expect((await get(`/operators/${op.id}`)).current_load).toBe(2);
    expect((await given(t).request(source.id)).operator_id).toBeNull();
    const events = (await get(`/operators/${op.id}/events`)) as Body[];
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ['shift_started', 'system'],
      ['shift_ended', 'system'],
    ]);
    // Closing them keeps the new one waiting: nobody is on shift (no invariant breach).
    for (const r of queued) await t.http().patch(`/requests/${r.id}/status?status=closed`);
  });
});
