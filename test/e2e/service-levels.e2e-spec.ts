import { RequestFacts1765400000000 } from '../../src/database/migrations/1765400000000-RequestFacts';
import { OfferExpiryService } from '../../src/offers/offer-expiry.service';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { fakeDateOnly } from '../utils/fake-date';
import { factMismatches } from '../utils/invariants';

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

  it('keeps the first assignment through a move, a release and a later drain', async () => {
    const first = await given(t).operator({ max_load: 1 });
    const second = await given(t).operator({ max_load: 1 });
    const moving = await given(t).source();
    await given(t).weights(moving.id, [{ operator_id: first.id, weight: 1 }]);
    let r1: Record<string, any>;
    fakeDateOnly();
    try {
      at('2026-03-06T11:50:00Z');
      r1 = await given(t).request(moving.id); // assigned at once: wait 0
      at('2026-03-06T11:55:00Z');
      await t.http().post(`/requests/${r1.id}/assign`).send({ operator_id: second.id }).expect(200);
      at('2026-03-06T12:05:00Z');
      const r2 = await given(t).request(moving.id); // to the first operator, free again
      expect(r2.operator_id).toBe(first.id);
      at('2026-03-06T12:10:00Z');
      await t.http().patch(`/operators/${second.id}`).send({ is_active: false }).expect(200);
      await t.http().post(`/operators/${second.id}/release`).expect(200); // r1 waits: nobody has room
      at('2026-03-06T12:15:00Z');
      await close(r2.id); // handle 600 s; r1 drains: assigned a second time
      at('2026-03-06T12:20:00Z');
      await close(r1.id); // handle from its first assignment: 1800 s
    } finally {
      jest.useRealTimers();
    }
    const events = await t.http().get(`/requests/${r1.id}/events`).expect(200);
    expect(events.body.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'assigned',
      'reassigned',
      'waiting',
      'assigned',
      'closed',
    ]);

    const { body } = await serviceLevels({
      source_id: moving.id,
      from: '2026-03-06T11:00:00Z',
      to: '2026-03-06T13:00:00Z',
    }).expect(200);
    const answeredAtOnce = {
      ...EMPTY,
      arrivals: 1,
      assigned: 1,
      answered_within_target: 1,
      service_level: 1,
      wait_p50_seconds: 0,
      wait_p90_seconds: 0,
      wait_max_seconds: 0,
    };
    expect(body.buckets).toEqual([
      { ...answeredAtOnce, start: '2026-03-06T11:00:00.000Z', handle_p50_seconds: 1800 },
      { ...answeredAtOnce, start: '2026-03-06T12:00:00.000Z', handle_p50_seconds: 600 },
    ]);
  });

  it('counts the offers made for the requests by outcome; an accepted one is the assignment', async () => {
    const p = await given(t).operator({ max_load: 1 });
    const q = await given(t).operator({ max_load: 1 });
    const offering = await given(t).source({ assignment: 'offer', offer_timeout_seconds: 600 });
    await given(t).weights(offering.id, [
      { operator_id: p.id, weight: 1 },
      { operator_id: q.id, weight: 1 },
    ]);
    const pendingOffer = async (id: number) =>
      (await t.http().get(`/requests/${id}`).expect(200)).body.pending_offer;
    let expiring: Record<string, any>;
    fakeDateOnly();
    try {
      at('2026-03-07T14:00:00Z');
      const accepted = await given(t).request(offering.id);
      const declined = accepted.pending_offer;
      at('2026-03-07T14:01:00Z');
      await t.http().post(`/offers/${declined.id}/decline`).send({}).expect(200);
      const taken = await pendingOffer(accepted.id); // the other operator's
      expect(taken.operator_id).not.toBe(declined.operator_id);
      at('2026-03-07T14:02:00Z');
      await t.http().post(`/offers/${taken.id}/accept`).expect(200); // wait 120 s
      at('2026-03-07T15:03:00Z');
      expiring = await given(t).request(offering.id); // to the one who declined: room
      const lapsed = expiring.pending_offer;
      at('2026-03-07T15:13:30Z');
      await t.app.get(OfferExpiryService).tick(new Date(Date.parse(lapsed.expires_at) + 1));
      at('2026-03-07T15:14:00Z');
      await close(expiring.id); // its next offer is withdrawn (not an outcome): abandoned
      at('2026-03-07T15:20:00Z');
      await close(accepted.id); // handle 4680 s
    } finally {
      jest.useRealTimers();
    }
    const events = await t.http().get(`/requests/${expiring.id}/events`).expect(200);
    expect(events.body.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'offered',
      'offer_expired',
      'waiting',
      'offered',
      'offer_withdrawn',
      'closed',
    ]);

    const { body } = await serviceLevels({
      source_id: offering.id,
      from: '2026-03-07T14:00:00Z',
      to: '2026-03-07T16:00:00Z',
    }).expect(200);
    expect(body.buckets).toEqual([
      {
        ...EMPTY,
        start: '2026-03-07T14:00:00.000Z',
        arrivals: 1,
        assigned: 1,
        service_level: 0,
        wait_p50_seconds: 120,
        wait_p90_seconds: 120,
        wait_max_seconds: 120,
        handle_p50_seconds: 4680,
        offers_accepted: 1,
        offers_declined: 1,
      },
      {
        ...EMPTY,
        start: '2026-03-07T15:00:00.000Z',
        arrivals: 1,
        abandoned: 1,
        service_level: 0,
        offers_expired: 1,
      },
    ]);
  });

  // After the tests above, whose histories hold every kind of fact.
  it('fills the facts of existing requests from their history (migration RequestFacts)', async () => {
    const facts = () =>
      t.dataSource.query(
        `SELECT id, first_assigned_at AS "firstAssignedAt", first_closed_at AS "firstClosedAt",
            offers_accepted AS "offersAccepted", offers_declined AS "offersDeclined",
            offers_expired AS "offersExpired"
          FROM requests ORDER BY id`,
      );
    const written: Array<Record<string, unknown>> = await facts();
    for (const field of ['firstAssignedAt', 'firstClosedAt']) {
      expect(written.filter((row) => row[field] !== null)).not.toHaveLength(0);
    }
    for (const field of ['offersAccepted', 'offersDeclined', 'offersExpired']) {
      expect(written.filter((row) => Number(row[field]) > 0)).not.toHaveLength(0);
    }
    expect(await factMismatches(t.dataSource)).toEqual([]);

    // The columns dropped and added again: filled from the events and offers alone.
    const migration = new RequestFacts1765400000000();
    const runner = t.writer.createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect(await facts()).toEqual(written);
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
