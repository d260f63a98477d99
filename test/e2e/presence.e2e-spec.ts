import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { expectQuiescentInvariants } from '../utils/invariants';

type Body = Record<string, any>;

/** Presence: an operator's own state, its history, and who gets work by it. */
describe('Presence (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The sweep is off: a drain seen here is the one the change ran itself.
    t = await createTestApp({ env: { DRAIN_INTERVAL_MS: '0', SHIFT_INTERVAL_MS: '0' } });
  });
  afterAll(() => t.close());
  afterEach(() => expectQuiescentInvariants(t.dataSource));

  const get = async (path: string): Promise<Body> => (await t.http().get(path).expect(200)).body;
  const put = (id: number, body: Body) => t.http().put(`/operators/${id}/presence`).send(body);
  const history = async (id: number) =>
    ((await get(`/operators/${id}/events`)) as Body[]).map((e) => [
      e.type,
      e.presence,
      e.reason,
      e.actor,
    ]);

  it('sets presence with a reason and answers the operator', async () => {
    const op = await given(t).operator();
    const response = await put(op.id, { presence: 'away', reason: 'lunch' }).expect(200);
    expect(response.body).toMatchObject({
      id: op.id,
      presence: 'away',
      presence_reason: 'lunch',
      is_active: true,
    });
    expect(Date.parse(response.body.presence_since)).toBeGreaterThanOrEqual(
      Date.parse(op.presence_since),
    );
    expect(await get(`/operators/${op.id}`)).toEqual(response.body);

    const back = await put(op.id, { presence: 'available' }).expect(200);
    expect(back.body).toMatchObject({ presence: 'available', presence_reason: null });
    expect(await history(op.id)).toEqual([
      ['presence_changed', 'away', 'lunch', 'admin'],
      ['presence_changed', 'available', null, 'admin'],
    ]);
  });

  it.each([
    [{}, 'presence'],
    [{ presence: 'lunch' }, 'presence'],
    [{ presence: null }, 'presence'],
    [{ presence: 'away', reason: 42 }, 'reason'],
    [{ presence: 'away', reason: '' }, 'reason'],
    [{ presence: 'away', reason: 'x'.repeat(201) }, 'reason'],
    [{ presence: 'away', since: 'now' }, 'since'],
  ])('rejects %j with 400 naming %s and changes nothing', async (body, field) => {
    const op = await given(t).operator();
    const response = await put(op.id, body).expect(400);
    expect(JSON.stringify(response.body.message)).toContain(field);
    expect(await get(`/operators/${op.id}`)).toMatchObject({ presence: 'available' });
    expect(await history(op.id)).toEqual([]);
  });

  it('answers 404 for an unknown operator and 400 for a bad id', async () => {
    await put(999999, { presence: 'away' }).expect(404);
    await t.http().get('/operators/999999/events').expect(404);
    await put(0, { presence: 'away' }).expect(400);
  });

  it('records activation changes made by PATCH, not repeats', async () => {
    const op = await given(t).operator();
    const patch = (body: Body) => t.http().patch(`/operators/${op.id}`).send(body).expect(200);
    await patch({ is_active: false });
    await patch({ is_active: false });
    await put(op.id, { presence: 'offline' }).expect(200);
    await patch({ is_active: true });
    await patch({ max_load: 3 });
    expect(await history(op.id)).toEqual([
      ['deactivated', 'available', null, 'admin'],
      ['presence_changed', 'offline', null, 'admin'],
      ['activated', 'offline', null, 'admin'],
    ]);
  });

  it('an away operator gets nothing new and keeps what it has', async () => {
    const away = await given(t).operator({ max_load: 5 });
    const other = await given(t).operator({ max_load: 5 });
    const source = await given(t).source({ strategy: 'weighted-round-robin' });
    await given(t).weights(source.id, [
      { operator_id: away.id, weight: 1 },
      { operator_id: other.id, weight: 1 },
    ]);
    const kept = [];
    while (kept.length === 0) {
      const request = await given(t).request(source.id);
      if (request.operator_id === away.id) kept.push(request);
    }
    await put(away.id, { presence: 'away', reason: 'lunch' }).expect(200);
    for (let i = 0; i < 4; i++) {
      expect((await given(t).request(source.id)).operator_id).toBe(other.id);
    }
    expect(await get(`/requests/${kept[0].id}`)).toMatchObject({
      operator_id: away.id,
      status: 'active',
    });
    const decision = await get(`/requests/${(await given(t).request(source.id)).id}/decision`);
    expect(decision.operators.find((o: Body) => o.operator_id === away.id)).toMatchObject({
      eligible: false,
      reason: 'not_available',
    });
  });

  it('an offline sole operator leaves requests waiting; becoming available drains them', async () => {
    const op = await given(t).operator({ max_load: 2 });
    const source = await given(t).source();
    await given(t).weights(source.id, [{ operator_id: op.id, weight: 1 }]);
    await put(op.id, { presence: 'offline' }).expect(200);
    const queued = [];
    for (let i = 0; i < 3; i++) queued.push(await given(t).request(source.id));
    expect(queued.every((r) => r.operator_id === null)).toBe(true);

    const back = await put(op.id, { presence: 'available' }).expect(200);
    expect(back.body.current_load).toBe(2);
    const states = await Promise.all(queued.map((r) => get(`/requests/${r.id}`)));
    expect(states.map((r) => r.operator_id)).toEqual([op.id, op.id, null]);
    const events = (await get(`/requests/${queued[0].id}/events`)) as Body[];
    expect(events.map((e) => [e.type, e.trigger])).toEqual([
      ['created', null],
      ['waiting', 'intake'],
      ['assigned', 'drain'],
    ]);
  });

  it('reopening onto an away operator waits instead', async () => {
    const op = await given(t).operator();
    const source = await given(t).source();
    await given(t).weights(source.id, [{ operator_id: op.id, weight: 1 }]);
    const request = await given(t).request(source.id);
    await t.http().patch(`/requests/${request.id}/status?status=closed`).expect(200);
    await put(op.id, { presence: 'away' }).expect(200);
    const reopened = await t.http().patch(`/requests/${request.id}/status?status=active`);
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'active', operator_id: null });
  });
});
