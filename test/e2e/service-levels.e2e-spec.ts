import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { fakeDateOnly } from '../utils/fake-date';

const at = (iso: string) => jest.setSystemTime(new Date(iso));

/** Every bucket field of an empty bucket. */
const EMPTY = {
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

describe('Service levels (e2e)', () => {
  let t: TestApp;
  let source: Record<string, any>;
  let other: Record<string, any>;

  const close = (id: number) =>
    t.http().patch(`/requests/${id}/status`).query({ status: 'closed' }).expect(200);
  const serviceLevels = (query: Record<string, string | number>) =>
    t.http().get('/analytics/service-levels').query(query);

  beforeAll(async () => {
    t = await createTestApp();
    // One operator, one request at a time: every later arrival waits for a close.
    const operator = await given(t).operator({ max_load: 1 });
    source = await given(t).source();
    await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    const otherOperator = await given(t).operator();
    other = await given(t).source();
    await given(t).weights(other.id, [{ operator_id: otherOperator.id, weight: 1 }]);

    let r4: Record<string, any>;
    fakeDateOnly();
    try {
      // The day before: outside every window below.
      at('2026-03-01T23:50:00Z');
      const r0 = await given(t).request(source.id);
      at('2026-03-01T23:55:00Z');
      await close(r0.id);

      at('2026-03-02T09:00:00Z');
      const r1 = await given(t).request(source.id); // assigned at once: wait 0
      expect(r1.operator_id).not.toBeNull();
      at('2026-03-02T09:10:00Z');
      const r2 = await given(t).request(source.id); // waits
      at('2026-03-02T09:20:00Z');
      const r3 = await given(t).request(source.id); // waits
      expect([r2.operator_id, r3.operator_id]).toEqual([null, null]);
      at('2026-03-02T09:25:00Z');
      await close(r1.id); // handle 1500 s; r2 drains: wait 900 s
      at('2026-03-02T09:30:00Z');
      await given(t).request(other.id); // another source, wait 0, never closed
      at('2026-03-02T09:40:00Z');
      await close(r3.id); // gave up while waiting: abandoned
      at('2026-03-02T10:05:00Z');
      r4 = await given(t).request(source.id); // waits behind r2
      at('2026-03-02T10:05:30Z');
      await close(r2.id); // handle 2430 s; r4 drains: wait 30 s
      at('2026-03-02T10:06:00Z');
      await close(r4.id); // handle 30 s
    } finally {
      jest.useRealTimers();
    }
    // The history the figures come from (read with the real clock).
    const events = await t.http().get(`/requests/${r4.id}/events`).expect(200);
    expect(events.body.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'waiting',
      'assigned',
      'closed',
    ]);
  });
  afterAll(() => t.close());

  it('gives each hour the figures of the requests created in it, empty hours included', async () => {
    const { body } = await serviceLevels({
      source_id: source.id,
      from: '2026-03-02T09:15:00Z',
      to: '2026-03-02T11:30:00Z',
    }).expect(200);
    expect(body).toEqual({
      source_id: source.id,
      bucket: 'hour',
      // Whole buckets: 09:15 rounds down, 11:30 up.
      from: '2026-03-02T09:00:00.000Z',
      to: '2026-03-02T12:00:00.000Z',
      target_answer_seconds: 60,
      buckets: [
        {
          start: '2026-03-02T09:00:00.000Z',
          arrivals: 3,
          assigned: 2,
          abandoned: 1,
          answered_within_target: 1,
          service_level: 0.3333,
          // Waits 0 and 900: nearest rank, p50 is the 1st, p90 the 2nd.
          wait_p50_seconds: 0,
          wait_p90_seconds: 900,
          wait_max_seconds: 900,
          // Handles 1500 and 2430.
          handle_p50_seconds: 1500,
          offers_accepted: 0,
          offers_declined: 0,
          offers_expired: 0,
        },
        {
          ...EMPTY,
          start: '2026-03-02T10:00:00.000Z',
          arrivals: 1,
          assigned: 1,
          answered_within_target: 1,
          service_level: 1,
          wait_p50_seconds: 30,
          wait_p90_seconds: 30,
          wait_max_seconds: 30,
          handle_p50_seconds: 30,
        },
        { ...EMPTY, start: '2026-03-02T11:00:00.000Z' },
      ],
    });
  });

  it('counts a wait equal to the target as answered in time', async () => {
    const { body } = await serviceLevels({
      source_id: source.id,
      from: '2026-03-02T09:00:00Z',
      to: '2026-03-02T10:00:00Z',
      target_answer_seconds: 900,
    }).expect(200);
    expect(body.target_answer_seconds).toBe(900);
    expect(body.buckets).toHaveLength(1);
    expect(body.buckets[0]).toMatchObject({ answered_within_target: 2, service_level: 0.6667 });
    const strict = await serviceLevels({
      source_id: source.id,
      from: '2026-03-02T09:00:00Z',
      to: '2026-03-02T10:00:00Z',
      target_answer_seconds: 899,
    }).expect(200);
    expect(strict.body.buckets[0]).toMatchObject({ answered_within_target: 1 });
  });

  it('sums every source without source_id, and days as UTC days', async () => {
    const hours = await serviceLevels({
      from: '2026-03-02T09:00:00Z',
      to: '2026-03-02T10:00:00Z',
    }).expect(200);
    expect(hours.body.source_id).toBeNull();
    expect(hours.body.buckets).toEqual([
      expect.objectContaining({
        arrivals: 4,
        assigned: 3,
        answered_within_target: 2,
        wait_p50_seconds: 0,
      }),
    ]);

    const days = await serviceLevels({
      source_id: source.id,
      bucket: 'day',
      from: '2026-03-01',
      to: '2026-03-03T00:00:00Z',
    }).expect(200);
    expect(days.body).toMatchObject({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-03T00:00:00.000Z',
    });
    expect(days.body.buckets).toEqual([
      {
        ...EMPTY,
        start: '2026-03-01T00:00:00.000Z',
        arrivals: 1,
        assigned: 1,
        answered_within_target: 1,
        service_level: 1,
        wait_p50_seconds: 0,
        wait_p90_seconds: 0,
        wait_max_seconds: 0,
        handle_p50_seconds: 300,
      },
      {
        ...EMPTY,
        start: '2026-03-02T00:00:00.000Z',
        arrivals: 4,
        assigned: 3,
        abandoned: 1,
        answered_within_target: 2,
        service_level: 0.5,
        // Waits 0, 30, 900; handles 30, 1500, 2430.
        wait_p50_seconds: 30,
        wait_p90_seconds: 900,
        wait_max_seconds: 900,
        handle_p50_seconds: 1500,
      },
    ]);
  });

  it('takes the first assignment and the first close of a request closed and reopened', async () => {
    const operator = await given(t).operator({ max_load: 1 });
    const reopened = await given(t).source();
    await given(t).weights(reopened.id, [{ operator_id: operator.id, weight: 1 }]);
    const reopen = (id: number) =>
      t.http().patch(`/requests/${id}/status`).query({ status: 'active' }).expect(200);
    let rB: Record<string, any>;
    fakeDateOnly();
    try {
      at('2026-03-05T09:00:00Z');
      const rA = await given(t).request(reopened.id); // assigned at once: wait 0
      at('2026-03-05T09:05:00Z');
      rB = await given(t).request(reopened.id); // waits
      at('2026-03-05T09:10:00Z');
      await close(rB.id); // closed before any assignment: abandoned
      at('2026-03-05T09:20:00Z');
      await close(rA.id); // first close: handle 1200 s
      at('2026-03-05T09:25:00Z');
      await reopen(rA.id); // back onto its operator: a later assignment, which moves nothing
      at('2026-03-05T09:30:00Z');
      await close(rA.id); // a later close: its handle stays the first one's
      at('2026-03-05T09:35:00Z');
      await reopen(rB.id); // assigned now, its first assignment: wait 1800 s; no handle
    } finally {
      jest.useRealTimers();
    }
    const events = await t.http().get(`/requests/${rB.id}/events`).expect(200);
    expect(events.body.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'waiting',
      'closed',
      'reopened',
      'waiting',
      'assigned',
    ]);

    const { body } = await serviceLevels({
      source_id: reopened.id,
      from: '2026-03-05T09:00:00Z',
      to: '2026-03-05T10:00:00Z',
    }).expect(200);
    expect(body.buckets).toEqual([
      {
        ...EMPTY,
        start: '2026-03-05T09:00:00.000Z',
        arrivals: 2,
        assigned: 2,
        abandoned: 1,
        answered_within_target: 1,
        service_level: 0.5,
        // Waits 0 and 1800; the one handle is rA's first: 09:00 to 09:20.
        wait_p50_seconds: 0,
        wait_p90_seconds: 1800,
        wait_max_seconds: 1800,
        handle_p50_seconds: 1200,
      },
    ]);
  });

  it('defaults to the 7 days up to now, by hour, with a 60 s target', async () => {
    const { body } = await serviceLevels({}).expect(200);
    const now = Date.now();
    expect(body).toMatchObject({ source_id: null, bucket: 'hour', target_answer_seconds: 60 });
    // 7 × 24 hours, plus the hour that `from` rounds down into when now is not on the hour.
    expect(body.buckets.length === 168 || body.buckets.length === 169).toBe(true);
    const starts = body.buckets.map((b: { start: string }) => Date.parse(b.start));
    starts.forEach(
      (start: number, i: number) => i > 0 && expect(start - starts[i - 1]).toBe(3_600_000),
    );
    expect(starts[0]).toBeLessThanOrEqual(now - 7 * 24 * 3_600_000);
    expect(Date.parse(body.to)).toBeGreaterThanOrEqual(now);
    expect(Date.parse(body.to) - now).toBeLessThanOrEqual(3_600_000);
  });

  it('keeps a window without requests as empty buckets', async () => {
    const { body } = await serviceLevels({
      source_id: source.id,
      from: '2026-02-01T00:00:00Z',
      to: '2026-02-01T03:00:00Z',
    }).expect(200);
    expect(body.buckets).toEqual([
      { ...EMPTY, start: '2026-02-01T00:00:00.000Z' },
      { ...EMPTY, start: '2026-02-01T01:00:00.000Z' },
      { ...EMPTY, start: '2026-02-01T02:00:00.000Z' },
    ]);
  });

  it.each([
    [{ from: '2026-03-02T10:00:00Z', to: '2026-03-02T09:00:00Z' }, 'from must not be after to'],
    [{ from: 'yesterday' }, 'from must be an ISO 8601 date or date-time'],
    [{ to: '2026-13-01' }, 'to must be an ISO 8601 date or date-time'],
    [{ bucket: 'week' }, 'bucket must be one of the following values: hour, day'],
    [{ target_answer_seconds: -1 }, 'target_answer_seconds must not be less than 0'],
    [{ target_answer_seconds: 1.5 }, 'target_answer_seconds must be an integer'],
    [{ source_id: 0 }, 'source_id must not be less than 1'],
    [{ source_id: 'abc' }, 'source_id must be an integer'],
    [{ sort: 'asc' }, 'property sort should not exist'],
    [
      { from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      'from..to must span at most 10000 buckets: use bucket=day or a shorter range',
    ],
  ])('answers 400 for %j', async (query, message) => {
    const { body } = await serviceLevels(query).expect(400);
    expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message: [message] });
  });

  it('answers 404 for an unknown source', async () => {
    const { body } = await serviceLevels({ source_id: 987654 }).expect(404);
    expect(body).toMatchObject({ statusCode: 404, message: 'source 987654 not found' });
  });
});
