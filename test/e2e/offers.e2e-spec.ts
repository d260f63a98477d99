import { OfferExpiryService } from '../../src/offers/offer-expiry.service';
import { PostgresIntakeRepository } from '../../src/requests/lifecycle/postgres-intake.repository';
import { ShiftPassService } from '../../src/shifts/shift-pass.service';
import { given } from '../factories';
import { expectConflict } from '../utils/conflict';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { expectQuiescentInvariants } from '../utils/invariants';
import { e2eOnPostgres } from '../utils/test-database';

type Body = Record<string, any>;

/**
 * Offers on `assignment: "offer"` sources: made, accepted, declined, expired, withdrawn; who is
 * offered next; missed offers setting an operator away. Background passes are off: each test
 * drives expiry with the pass's own tick, at a time it chooses.
 */
describe('Offers (e2e)', () => {
  let t: TestApp;
  let expiry: OfferExpiryService;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        DRAIN_INTERVAL_MS: '0',
        SHIFT_INTERVAL_MS: '0',
        OFFER_EXPIRY_INTERVAL_MS: '0',
        MISSED_OFFERS_BEFORE_AWAY: '2',
      },
    });
    expiry = t.app.get(OfferExpiryService);
  });
  afterAll(() => t.close());
  afterEach(async () => {
    await expectQuiescentInvariants(t.dataSource);
    // Each test starts with no pending offer of another: close what is left.
    for (const r of (await get('/requests?status=active&limit=1000')) as Body[]) {
      await t.http().patch(`/requests/${r.id}/status?status=closed`).expect(200);
    }
  });

  const get = async (path: string): Promise<any> => (await t.http().get(path).expect(200)).body;
  const accept = (id: number) => t.http().post(`/offers/${id}/accept`);
  const decline = (id: number, body: Body = {}) =>
    t.http().post(`/offers/${id}/decline`).send(body);
  const history = async (requestId: number) =>
    ((await get(`/requests/${requestId}/events`)) as Body[]).map((e) => [e.type, e.operator_id]);
  /** After the deadline of every pending offer: what the expiry pass sees once they are due. */
  const expireAll = async () => {
    const pending = (await get('/offers?status=pending&limit=1000')) as Body[];
    const latest = Math.max(...pending.map((o) => Date.parse(o.expires_at)));
    return expiry.tick(new Date(latest + 1));
  };

  /** An offer source with operators (weights equal, max_load 1 unless told). */
  async function offerSource(operators = 2, overrides: Body = {}) {
    const source = await given(t).source({ assignment: 'offer', offer_timeout_seconds: 30 });
    const ops: Body[] = [];
    for (let i = 0; i < operators; i++)
      ops.push(await given(t).operator({ max_load: 1, ...overrides }));
    await given(t).weights(
      source.id,
      ops.map((o) => ({ operator_id: o.id, weight: 1 })),
    );
    return { source, ops };
  }

  it('offers a request instead of assigning it, holding a unit of the operator’s room', async () => {
    const { source, ops } = await offerSource(1);
    expect(source).toMatchObject({ assignment: 'offer', offer_timeout_seconds: 30 });
    const request = await given(t).request(source.id);
    expect(request).toMatchObject({
      operator_id: null,
      status: 'active',
      effective_priority: null,
    });
    expect(request.pending_offer).toMatchObject({ operator_id: ops[0].id });
    const offer = await get(`/offers/${request.pending_offer.id}`);
    expect(offer).toMatchObject({
      request_id: request.id,
      operator_id: ops[0].id,
      status: 'pending',
    });
    expect(Date.parse(offer.expires_at) - Date.parse(offer.created_at)).toBe(30_000);
    expect(await get(`/operators/${ops[0].id}`)).toMatchObject({
      current_load: 0,
      offered_load: 1,
    });
    // Not waiting: the queue does not list it.
    expect((await get(`/requests?waiting=true&source_id=${source.id}`)) as Body[]).toEqual([]);
    // The operator's room is held: a second request waits.
    const second = await given(t).request(source.id);
    expect(second).toMatchObject({ operator_id: null, pending_offer: null });
    // The metrics count the second alone as waiting, not the one with a pending offer.
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toContain(`waiting_requests{source="${source.id}"} 1`);
    expect(await history(request.id)).toEqual([
      ['created', null],
      ['offered', ops[0].id],
    ]);
  });

  it('a request on offer cannot be reassigned (409 naming the offer), and nothing changes', async () => {
    const { source, ops } = await offerSource(2);
    const request = await given(t).request(source.id);
    const { id: offerId, operator_id: offeredTo } = request.pending_offer;
    const refused = await t.http().post(`/requests/${request.id}/reassign`).expect(409);
    expect(refused.body).toMatchObject({ code: 'REQUEST_WAITING' });
    expect(refused.body.message).toContain(`pending offer (${offerId}) to operator ${offeredTo}`);
    expect(await get(`/offers/${offerId}`)).toMatchObject({ status: 'pending' });
    expect(await get(`/requests/${request.id}`)).toMatchObject({ operator_id: null });
    expect(ops.map((o) => o.id)).toContain(offeredTo);
  });

  it('accepting assigns the request; accepting again answers the same; other answers 409', async () => {
    const { source, ops } = await offerSource(1);
    const request = await given(t).request(source.id);
    const offerId = request.pending_offer.id;
    const accepted = await accept(offerId).expect(200);
    expect(accepted.body).toMatchObject({
      id: request.id,
      operator_id: ops[0].id,
      pending_offer: null,
    });
    expect(await get(`/operators/${ops[0].id}`)).toMatchObject({
      current_load: 1,
      offered_load: 0,
    });
    expect((await accept(offerId).expect(200)).body).toMatchObject({ operator_id: ops[0].id });
    await expectConflict(decline(offerId), 'OFFER_NOT_PENDING');
    expect(await get(`/offers/${offerId}`)).toMatchObject({ status: 'accepted' });
    const events = (await get(`/requests/${request.id}/events`)) as Body[];
    expect(events.at(-1)).toMatchObject({
      type: 'assigned',
      operator_id: ops[0].id,
      trigger: 'offer',
    });
  });

  it('a decline offers the request to the next operator, never back while another remains', async () => {
    const { source, ops } = await offerSource(2);
    const request = await given(t).request(source.id);
    const first = request.pending_offer.operator_id;
    const other = ops.find((o) => o.id !== first)!.id;
    const declined = await decline(request.pending_offer.id, { reason: 'busy' }).expect(200);
    expect(declined.body).toMatchObject({ status: 'declined', reason: 'busy' });
    const after = await get(`/requests/${request.id}`);
    expect(after.pending_offer).toMatchObject({ operator_id: other });
    // The second one declines too: nobody else is left, the exclusions clear, the request waits
    // and drains as usual: both have room, so it is offered again at once.
    await decline(after.pending_offer.id).expect(200);
    const again = await get(`/requests/${request.id}`);
    expect(again.pending_offer).not.toBeNull();
    expect(await history(request.id)).toEqual([
      ['created', null],
      ['offered', first],
      ['offer_declined', first],
      ['offered', other],
      ['offer_declined', other],
      ['waiting', null],
      ['offered', again.pending_offer.operator_id],
    ]);
  });

  it('expiry offers the request to the next operator, never back while another remains', async () => {
    const { source, ops } = await offerSource(2);
    const r1 = await given(t).request(source.id);
    const first = r1.pending_offer.operator_id;
    const second = ops.find((o) => o.id !== first)!.id;
    // Not due a second before its deadline; due after it.
    expect(await expiry.tick(new Date(Date.parse(r1.pending_offer.expires_at) - 1000))).toBe(0);
    expect(await expireAll()).toBe(1);
    expect(await get(`/offers/${r1.pending_offer.id}`)).toMatchObject({ status: 'expired' });
    expect((await get(`/requests/${r1.id}`)).pending_offer).toMatchObject({ operator_id: second });
    expect(await expiry.tick(new Date(Date.parse(r1.pending_offer.expires_at) + 1))).toBe(0);
  });

  it('missed offers in a row set the operator away, which stops its offers', async () => {
    const { source, ops } = await offerSource(1);
    const op = ops[0].id;
    const r1 = await given(t).request(source.id);
    expect(await expireAll()).toBe(1);
    // Nobody else: the request waited and drained back to the same operator (one miss of two).
    const again = (await get(`/requests/${r1.id}`)).pending_offer;
    expect(again).toMatchObject({ operator_id: op });
    expect(again.id).not.toBe(r1.pending_offer.id);
    expect(await get(`/operators/${op}`)).toMatchObject({ presence: 'available' });
    expect(await expireAll()).toBe(1);
    expect(await get(`/operators/${op}`)).toMatchObject({
      presence: 'away',
      presence_reason: 'missed_offers',
      offered_load: 0,
    });
    const events = (await get(`/operators/${op}/events`)) as Body[];
    expect(events.at(-1)).toMatchObject({
      type: 'presence_changed',
      presence: 'away',
      reason: 'missed_offers',
      actor: 'system',
    });
    // Away gets nothing: the request waits.
    expect(await get(`/requests/${r1.id}`)).toMatchObject({
      pending_offer: null,
      operator_id: null,
    });
    expect(await history(r1.id)).toEqual([
      ['created', null],
      ['offered', op],
      ['offer_expired', op],
      ['waiting', null],
      ['offered', op],
      ['offer_expired', op],
      ['waiting', null],
    ]);
    // Back to available: offered again at once.
    await t.http().put(`/operators/${op}/presence`).send({ presence: 'available' }).expect(200);
    expect((await get(`/requests/${r1.id}`)).pending_offer).toMatchObject({ operator_id: op });
  });

  it('an accept resets the run of missed offers', async () => {
    const { source, ops } = await offerSource(1, { max_load: 1 });
    const op = ops[0].id;
    const r1 = await given(t).request(source.id);
    expect(await expireAll()).toBe(1); // miss 1; offered again to the same operator
    const again = (await get(`/requests/${r1.id}`)).pending_offer;
    expect(again).toMatchObject({ operator_id: op });
    await accept(again.id).expect(200); // the run restarts
    await t.http().patch(`/requests/${r1.id}/status?status=closed`).expect(200);
    const r2 = await given(t).request(source.id);
    expect(await expireAll()).toBe(1); // miss 1 again, not 2
    expect(await get(`/operators/${op}`)).toMatchObject({ presence: 'available' });
    expect((await get(`/requests/${r2.id}`)).pending_offer).toMatchObject({ operator_id: op });
  });

  it.each([
    ['request closed', 'request_closed'],
    ['assigned by a person', 'assigned_by_person'],
    ['operator deactivated', 'operator_inactive'],
    ['operator away', 'operator_away'],
    ['operator offline', 'operator_offline'],
  ])('withdraws the offer when the %s', async (_, reason) => {
    const { source, ops } = await offerSource(2);
    const request = await given(t).request(source.id);
    const offered = request.pending_offer.operator_id;
    const other = ops.find((o) => o.id !== offered)!.id;
    switch (reason) {
      case 'request_closed':
        await t.http().patch(`/requests/${request.id}/status?status=closed`).expect(200);
        break;
      case 'assigned_by_person':
        await t
          .http()
          .post(`/requests/${request.id}/assign`)
          .send({ operator_id: offered })
          .expect(200);
        break;
      case 'operator_inactive':
        await t.http().patch(`/operators/${offered}`).send({ is_active: false }).expect(200);
        break;
      case 'operator_away':
        await t.http().put(`/operators/${offered}/presence`).send({ presence: 'away' }).expect(200);
        break;
      case 'operator_offline':
        await t
          .http()
          .put(`/operators/${offered}/presence`)
          .send({ presence: 'offline' })
          .expect(200);
        break;
    }
    expect(await get(`/offers/${request.pending_offer.id}`)).toMatchObject({
      status: 'withdrawn',
      reason,
    });
    const after = await get(`/requests/${request.id}`);
    if (reason === 'request_closed')
      expect(after).toMatchObject({ status: 'closed', pending_offer: null });
    else if (reason === 'assigned_by_person')
      expect(after).toMatchObject({ operator_id: offered, pending_offer: null });
    // The operator left: the request is offered again at once, to the other one.
    else expect(after.pending_offer).toMatchObject({ operator_id: other });
    await expectConflict(accept(request.pending_offer.id), 'OFFER_NOT_PENDING');
  });

  it('withdraws the offer when the operator’s shift ends', async () => {
    const { source, ops } = await offerSource(1);
    const request = await given(t).request(source.id);
    // A schedule that is never on shift now: an exception for today and tomorrow, no hours.
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await t
      .http()
      .patch(`/operators/${ops[0].id}`)
      .send({
        schedule: {
          time_zone: 'UTC',
          weekly: [],
          exceptions: [{ date: today }, { date: tomorrow }],
        },
      })
      .expect(200);
    await t.app.get(ShiftPassService).tick();
    expect(await get(`/offers/${request.pending_offer.id}`)).toMatchObject({
      status: 'withdrawn',
      reason: 'operator_off_shift',
    });
    expect(await get(`/requests/${request.id}`)).toMatchObject({
      pending_offer: null,
      operator_id: null,
    });
  });

  it('lists offers by operator, request and status, with the list rules', async () => {
    const { source, ops } = await offerSource(1);
    const request = await given(t).request(source.id);
    const response = await t.http().get(`/offers?operator_id=${ops[0].id}`).expect(200);
    expect(response.headers['x-total-count']).toBe('1');
    expect(response.body).toEqual([await get(`/offers/${request.pending_offer.id}`)]);
    expect(await get(`/offers?request_id=${request.id}&status=accepted`)).toEqual([]);
    for (const bad of ['status=maybe', 'operator_id=0', 'request_id=x', 'limit=0', 'extra=1']) {
      const res = await t.http().get(`/offers?${bad}`).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(bad.split('=')[0]);
    }
  });

  it('answers 404 for unknown offers, 400 for bad ids and bodies, and changes nothing', async () => {
    await t.http().get('/offers/999999').expect(404);
    await accept(999999).expect(404);
    await decline(999999).expect(404);
    await t.http().get('/offers/0').expect(400);
    await accept(0).expect(400);
    const { source } = await offerSource(1);
    const request = await given(t).request(source.id);
    for (const body of [
      { reason: '' },
      { reason: 42 },
      { reason: 'x'.repeat(501) },
      { why: 'x' },
    ]) {
      const res = await decline(request.pending_offer.id, body).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(/reason|why/);
    }
    expect(await get(`/offers/${request.pending_offer.id}`)).toMatchObject({ status: 'pending' });
  });

  it.each([
    [{ assignment: 'sometimes' }, 'assignment'],
    [{ assignment: null }, 'assignment'],
    [{ offer_timeout_seconds: 4 }, 'offer_timeout_seconds'],
    [{ offer_timeout_seconds: 86401 }, 'offer_timeout_seconds'],
    [{ offer_timeout_seconds: 1.5 }, 'offer_timeout_seconds'],
  ])('refuses source %j with 400 naming %s', async (body, field) => {
    const res = await t
      .http()
      .post('/sources')
      .send({ name: `S ${Math.random()}`, ...body })
      .expect(400);
    expect(JSON.stringify(res.body.message)).toContain(field);
    const source = await given(t).source();
    const patch = await t.http().patch(`/sources/${source.id}`).send(body).expect(400);
    expect(JSON.stringify(patch.body.message)).toContain(field);
  });

  it('a source switched back to direct gives a declined request directly', async () => {
    const { source, ops } = await offerSource(2);
    const request = await given(t).request(source.id);
    await t.http().patch(`/sources/${source.id}`).send({ assignment: 'direct' }).expect(200);
    await decline(request.pending_offer.id).expect(200);
    const after = await get(`/requests/${request.id}`);
    expect(after.pending_offer).toBeNull();
    expect(after.operator_id).toBe(ops.find((o) => o.id !== request.pending_offer.operator_id)!.id);
  });

  it('an offer intake writes what the transactional one does (on PostgreSQL, one statement)', async () => {
    // Deliveries are rows written with the events (their sending is the webhook tests').
    const hook = (
      await t.http().post('/webhooks').send({ url: 'https://crm.example.com/hooks' }).expect(201)
    ).body as Body;
    const { source, ops } = await offerSource(1, { max_load: 5 });
    // On PostgreSQL a plain intake is the one statement; with an Idempotency-Key it is always
    // the transaction (RequestLifecycleService.create). On SQLite both are the transaction.
    const statement = jest.spyOn(t.app.get(PostgresIntakeRepository), 'write');
    const intake = (key?: string) => {
      const post = t.http().post('/requests');
      return (key ? post.set('Idempotency-Key', key) : post)
        .send({
          lead_external_id: `offered-${Math.random()}`,
          source_id: source.id,
          message: 'Hi "there"',
        })
        .expect(201);
    };
    const fast = (await intake()).body as Body;
    expect(statement).toHaveBeenCalledTimes(e2eOnPostgres ? 1 : 0);
    const transactional = (await intake(`offer-intake-${Math.random()}`)).body as Body;
    expect(statement).toHaveBeenCalledTimes(e2eOnPostgres ? 1 : 0);
    statement.mockRestore();

    /** What an intake wrote, with its ids and times made relative to the request's. */
    const written = async (body: Body) => {
      const created = Date.parse(body.created_at);
      const offer = await get(`/offers/${body.pending_offer.id}`);
      const events: Body[] = await t.dataSource.query(
        `SELECT type, operator_id, trigger, actor, request, event_id FROM request_events
          WHERE request_id = ${Number(body.id)} ORDER BY id`,
      );
      const deliveries: Body[] = await t.dataSource.query(
        `SELECT d.subscription_id, d.event_type, d.event_id FROM webhook_deliveries d
          JOIN request_events e ON e.id = d.request_event_id
          WHERE e.request_id = ${Number(body.id)} ORDER BY d.id`,
      );
      // The stored request reads back as answered, and every event carries that very text.
      expect(await get(`/requests/${body.id}`)).toEqual(body);
      for (const event of events) expect(event.request).toBe(JSON.stringify(body));
      const eventIds = events.map((e) => e.event_id);
      return {
        body: {
          ...body,
          id: 0,
          lead_id: 0,
          created_at: 0,
          updated_at: Date.parse(body.updated_at) - created,
          pending_offer: {
            ...body.pending_offer,
            id: 0,
            expires_at: Date.parse(body.pending_offer.expires_at) - created,
          },
        },
        offer: {
          ...offer,
          id: offer.id === body.pending_offer.id,
          request_id: offer.request_id === body.id,
          created_at: Date.parse(offer.created_at) - created,
          expires_at: Date.parse(offer.expires_at) - created,
        },
        events: events.map((e) => [e.type, Number(e.operator_id ?? 0), e.trigger, e.actor]),
        deliveries: deliveries.map((d) => [
          Number(d.subscription_id),
          d.event_type,
          eventIds.indexOf(d.event_id),
        ]),
      };
    };
    const expected = await written(transactional);
    expect(expected).toMatchObject({
      body: { operator_id: null, updated_at: 0, pending_offer: { expires_at: 30_000 } },
      offer: { id: true, request_id: true, status: 'pending', created_at: 0, expires_at: 30_000 },
      events: [
        ['created', 0, null, 'intake'],
        ['offered', ops[0].id, 'intake', 'intake'],
      ],
      deliveries: [
        [hook.id, 'request.created', 0],
        [hook.id, 'request.offered', 1],
      ],
    });
    expect(await written(fast)).toEqual(expected);
    expect((await get(`/operators/${ops[0].id}`)).offered_load).toBe(2);
    // The offer made in one statement is an offer like any: accepted, it assigns the request.
    await accept(fast.pending_offer.id).expect(200);
    expect((await get(`/requests/${fast.id}`)).operator_id).toBe(ops[0].id);
    await t.http().delete(`/webhooks/${hook.id}`).expect(204);
  });
});
