import { Operator } from '../../src/operators/entities/operator.entity';
import { DrainSweepService } from '../../src/requests/lifecycle/drain-sweep.service';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { expectQuiescentInvariants } from '../utils/invariants';
import { expectConflict } from '../utils/conflict';

type Body = Record<string, any>;

/** Waiting work: the queue, its drains, manual control, sticky sources and the history. */
describe('Waiting work (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The sweep is off so that each test sees only the drain of the change it makes.
    t = await createTestApp({ env: { DRAIN_INTERVAL_MS: '0' } });
  });
  afterAll(() => t.close());
  afterEach(() => expectQuiescentInvariants(t.dataSource));

  const get = async (path: string): Promise<Body> => (await t.http().get(path).expect(200)).body;
  const request = (id: number) => get(`/requests/${id}`);
  const operator = (id: number) => get(`/operators/${id}`);
  const close = (id: number) => t.http().patch(`/requests/${id}/status?status=closed`).expect(200);
  const types = async (id: number) =>
    ((await get(`/requests/${id}/events`)) as Body[]).map((e) => e.type);

  /** A source with one operator of the given capacity, already full, and `waiting` more. */
  async function fullSource(maxLoad: number, waiting: number, sourceOverrides: Body = {}) {
    const op = await given(t).operator({ max_load: maxLoad });
    const source = await given(t).source(sourceOverrides);
    await given(t).weights(source.id, [{ operator_id: op.id, weight: 1 }]);
    const assigned: Body[] = [];
    for (let i = 0; i < maxLoad; i++) assigned.push(await given(t).request(source.id));
    const queued: Body[] = [];
    for (let i = 0; i < waiting; i++) queued.push(await given(t).request(source.id));
    expect(queued.every((r) => r.operator_id === null && r.assigned_at === null)).toBe(true);
    return { op, source, assigned, queued };
  }

  describe('drain triggers', () => {
    it('a close hands the freed unit to the oldest waiting request', async () => {
      const { op, assigned, queued } = await fullSource(1, 2);
      const waits = async () => {
        const text = (await t.http().get('/metrics').expect(200)).text;
        return Number(/^request_wait_seconds_count (\d+)$/m.exec(text)?.[1]);
      };
      const waitsBefore = await waits();
      await close(assigned[0].id);
      // The drained request's wait (arrival to assignment) is observed once, after the commit.
      expect(await waits()).toBe(waitsBefore + 1);
      const first = await request(queued[0].id);
      expect(first).toMatchObject({ operator_id: op.id, status: 'active' });
      expect(Date.parse(first.assigned_at)).toBeGreaterThanOrEqual(Date.parse(first.created_at));
      expect((await request(queued[1].id)).operator_id).toBeNull();
      expect((await operator(op.id)).current_load).toBe(1);
      const decision = await get(`/requests/${queued[0].id}/decision`);
      expect(decision).toMatchObject({ trigger: 'drain', chosen_operator_id: op.id });
      const events = (await get(`/requests/${queued[0].id}/events`)) as Body[];
      expect(events.map((e) => [e.type, e.trigger, e.actor])).toEqual([
        ['created', null, 'intake'],
        ['waiting', 'intake', 'intake'],
        ['assigned', 'drain', 'system'],
      ]);
    });

    it('raising max_load drains as many as fit, oldest first', async () => {
      const { op, queued } = await fullSource(1, 3);
      await t.http().patch(`/operators/${op.id}`).send({ max_load: 3 }).expect(200);
      const after = await Promise.all(queued.map((r) => request(r.id)));
      expect(after.map((r) => r.operator_id)).toEqual([op.id, op.id, null]);
      expect((await operator(op.id)).current_load).toBe(3);
    });

    it('activating an operator drains into it', async () => {
      const op = await given(t).operator({ is_active: false, max_load: 2 });
      const source = await given(t).source();
      await given(t).weights(source.id, [{ operator_id: op.id, weight: 1 }]);
      const waiting = await given(t).request(source.id);
      expect(waiting.operator_id).toBeNull();
      await t.http().patch(`/operators/${op.id}`).send({ is_active: true }).expect(200);
      expect((await request(waiting.id)).operator_id).toBe(op.id);
    });

    it('a weight raised above 0, or new weights, drain the source', async () => {
      const a = await given(t).operator();
      const b = await given(t).operator();
      const source = await given(t).source();
      await given(t).weights(source.id, [{ operator_id: a.id, weight: 0 }]);
      const w1 = await given(t).request(source.id);
      const w2 = await given(t).request(source.id);
      expect([w1.operator_id, w2.operator_id]).toEqual([null, null]);
      await given(t).weights(source.id, [{ operator_id: a.id, weight: 1 }]);
      expect((await request(w1.id)).operator_id).toBe(a.id);
      expect((await request(w2.id)).operator_id).toBe(a.id);

      const other = await given(t).source();
      const w3 = await given(t).request(other.id);
      expect(w3.operator_id).toBeNull();
      await given(t).weights(other.id, [{ operator_id: b.id, weight: 5 }]);
      expect((await request(w3.id)).operator_id).toBe(b.id);
    });

    it('moving a request away drains the unit it frees', async () => {
      const { op, assigned, queued } = await fullSource(1, 1);
      const spare = await given(t).operator({ max_load: 5 });
      await t
        .http()
        .post(`/requests/${assigned[0].id}/assign`)
        .send({ operator_id: spare.id })
        .expect(200);
      expect((await request(queued[0].id)).operator_id).toBe(op.id);
      expect((await operator(spare.id)).current_load).toBe(1);
    });

    it('the sweep drains what no change did (e.g. rows changed behind the API)', async () => {
      const { op, queued } = await fullSource(1, 1);
      // Room made without going through the lifecycle: only the sweep can notice it.
      await t.writer
        .createQueryBuilder()
        .update(Operator)
        .set({ maxLoad: 2 })
        .where('id = :id', { id: op.id })
        .execute();
      expect((await request(queued[0].id)).operator_id).toBeNull();
      expect(await t.app.get(DrainSweepService).tick()).toBe(1);
      expect((await request(queued[0].id)).operator_id).toBe(op.id);
    });

    it('drains oldest first across every source the operator serves', async () => {
      const op = await given(t).operator({ max_load: 1 });
      const [s1, s2] = [await given(t).source(), await given(t).source()];
      await given(t).weights(s1.id, [{ operator_id: op.id, weight: 1 }]);
      await given(t).weights(s2.id, [{ operator_id: op.id, weight: 1 }]);
      const holder = await given(t).request(s1.id);
      const older = await given(t).request(s2.id);
      const younger = await given(t).request(s1.id);
      expect([older.operator_id, younger.operator_id]).toEqual([null, null]);
      await close(holder.id);
      expect((await request(older.id)).operator_id).toBe(op.id);
      expect((await request(younger.id)).operator_id).toBeNull();
    });
  });

  describe('the queue', () => {
    it('GET /requests?waiting=true lists it oldest first; stats show its size and age', async () => {
      const { source, queued } = await fullSource(1, 2);
      const res = await t.http().get(`/requests?waiting=true&source_id=${source.id}`).expect(200);
      expect(res.body.map((r: Body) => r.id)).toEqual(queued.map((r) => r.id));
      expect(res.headers['x-total-count']).toBe('2');
      await t.http().get('/requests?waiting=maybe').expect(400);
      const metrics = await t.http().get('/metrics').expect(200);
      expect(metrics.text).toContain(`waiting_requests{source="${source.id}"} 2`);
      const stats = ((await get('/requests/distribution/stats?limit=1000')) as Body[]).find(
        (s) => s.source_id === source.id,
      )!;
      expect(stats).toMatchObject({
        waiting_requests: 2,
        oldest_waiting_at: queued[0].created_at,
      });
    });

    it('closing a waiting request takes it out of the queue and loads nobody', async () => {
      const { op, queued } = await fullSource(1, 1);
      const closed = await close(queued[0].id);
      expect(closed.body).toMatchObject({ status: 'closed', operator_id: null });
      expect((await operator(op.id)).current_load).toBe(1);
      expect(await types(queued[0].id)).toEqual(['created', 'waiting', 'closed']);
    });

    it('reopening onto an inactive operator waits, and drains at once where possible', async () => {
      const gone = await given(t).operator();
      const other = await given(t).operator({ max_load: 1 });
      const source = await given(t).source();
      await given(t).weights(source.id, [
        { operator_id: gone.id, weight: 1 },
        { operator_id: other.id, weight: 0 },
      ]);
      const r = await given(t).request(source.id);
      expect(r.operator_id).toBe(gone.id);
      await close(r.id);
      await t.http().patch(`/operators/${gone.id}`).send({ is_active: false }).expect(200);
      const reopened = await t.http().patch(`/requests/${r.id}/status?status=active`).expect(200);
      expect(reopened.body).toMatchObject({ status: 'active', operator_id: null });
      expect((await operator(gone.id)).current_load).toBe(0);

      await close(r.id);
      await given(t).weights(source.id, [{ operator_id: other.id, weight: 1 }]);
      const again = await t.http().patch(`/requests/${r.id}/status?status=active`).expect(200);
      expect(again.body).toMatchObject({ status: 'active', operator_id: other.id });
      expect(await types(r.id)).toEqual([
        'created',
        'assigned',
        'closed',
        'reopened',
        'waiting',
        'closed',
        'reopened',
        'waiting',
        'assigned',
      ]);
    });

    it('reopening onto an active operator at capacity stays a 409 and changes nothing', async () => {
      const { op, assigned } = await fullSource(1, 0);
      await close(assigned[0].id);
      const source = await given(t).source();
      await given(t).weights(source.id, [{ operator_id: op.id, weight: 1 }]);
      await given(t).request(source.id);
      await expectConflict(
        t.http().patch(`/requests/${assigned[0].id}/status?status=active`),
        'AT_CAPACITY',
      );
      expect((await request(assigned[0].id)).status).toBe('closed');
    });
  });

  describe('manual control', () => {
    it('assigns a waiting request to any active operator with room, even unconfigured', async () => {
      const { queued } = await fullSource(1, 1);
      const helper = await given(t).operator({ max_load: 1 });
      const res = await t
        .http()
        .post(`/requests/${queued[0].id}/assign`)
        .send({ operator_id: helper.id })
        .expect(200);
      expect(res.body).toMatchObject({ operator_id: helper.id, operator_name: helper.name });
      const decision = await get(`/requests/${queued[0].id}/decision`);
      expect(decision).toMatchObject({ strategy: 'manual', trigger: 'manual' });
      const events = (await get(`/requests/${queued[0].id}/events`)) as Body[];
      expect(events.at(-1)).toMatchObject({ type: 'assigned', trigger: 'manual', actor: 'admin' });
    });

    it('refuses what it cannot do: 404 unknown ids, 409 closed/inactive/full, 400 bad body', async () => {
      const { op, assigned, queued } = await fullSource(1, 1);
      const idle = await given(t).operator({ is_active: false });
      const send = (id: number, body: Body) => t.http().post(`/requests/${id}/assign`).send(body);
      await send(999999, { operator_id: op.id }).expect(404);
      await send(queued[0].id, { operator_id: 999999 }).expect(404);
      await send(queued[0].id, { operator_id: 'x' }).expect(400);
      await send(queued[0].id, {}).expect(400);
      await expectConflict(send(queued[0].id, { operator_id: idle.id }), 'OPERATOR_INACTIVE');
      await expectConflict(send(queued[0].id, { operator_id: op.id }), 'AT_CAPACITY');
      await close(assigned[0].id); // drains queued[0] into op
      await expectConflict(send(assigned[0].id, { operator_id: op.id }), 'REQUEST_CLOSED');
      expect((await request(queued[0].id)).operator_id).toBe(op.id);
    });

    it('reassign moves to another eligible operator, or 409 when there is none', async () => {
      const a = await given(t).operator();
      const b = await given(t).operator({ max_load: 1 });
      const source = await given(t).source();
      await given(t).weights(source.id, [{ operator_id: a.id, weight: 1 }]);
      const r = await given(t).request(source.id);
      await expectConflict(t.http().post(`/requests/${r.id}/reassign`), 'NO_OTHER_OPERATOR');
      expect((await request(r.id)).operator_id).toBe(a.id);

      await given(t).weights(source.id, [
        { operator_id: a.id, weight: 1 },
        { operator_id: b.id, weight: 1 },
      ]);
      const moved = await t.http().post(`/requests/${r.id}/reassign`).expect(200);
      expect(moved.body.operator_id).toBe(b.id);
      expect((await operator(a.id)).current_load).toBe(0);
      const events = (await get(`/requests/${r.id}/events`)) as Body[];
      expect(events.at(-1)).toMatchObject({
        type: 'reassigned',
        operator_id: b.id,
        previous_operator_id: a.id,
        trigger: 'reassign',
      });
      await t.http().post(`/requests/999999/reassign`).expect(404);
      await close(r.id);
      await expectConflict(t.http().post(`/requests/${r.id}/reassign`), 'REQUEST_CLOSED');
      const { queued } = await fullSource(1, 1);
      await expectConflict(t.http().post(`/requests/${queued[0].id}/reassign`), 'REQUEST_WAITING');
    });

    it('release hands an inactive operator’s work to others; the rest waits', async () => {
      const leaving = await given(t).operator({ max_load: 3 });
      const stays = await given(t).operator({ max_load: 1 });
      const source = await given(t).source();
      await given(t).weights(source.id, [{ operator_id: leaving.id, weight: 1 }]);
      const open = [];
      for (let i = 0; i < 3; i++) open.push(await given(t).request(source.id));
      await expectConflict(t.http().post(`/operators/${leaving.id}/release`), 'OPERATOR_ACTIVE');
      await t.http().post('/operators/999999/release').expect(404);

      await given(t).weights(source.id, [
        { operator_id: leaving.id, weight: 1 },
        { operator_id: stays.id, weight: 1 },
      ]);
      await t.http().patch(`/operators/${leaving.id}`).send({ is_active: false }).expect(200);
      const res = await t.http().post(`/operators/${leaving.id}/release`).expect(200);
      expect(res.body).toEqual({ operator_id: leaving.id, released: 3, reassigned: 1, waiting: 2 });
      expect((await operator(leaving.id)).current_load).toBe(0);
      const after = await Promise.all(open.map((r) => request(r.id)));
      expect(after.map((r) => r.operator_id)).toEqual([stays.id, null, null]);
      const events = (await get(`/requests/${open[1].id}/events`)) as Body[];
      expect(events.at(-1)).toMatchObject({
        type: 'waiting',
        previous_operator_id: leaving.id,
        trigger: 'release',
      });
    });
  });

  describe('sticky sources', () => {
    it('a returning lead goes back to its last operator when eligible; otherwise the strategy', async () => {
      const [a, b] = [await given(t).operator(), await given(t).operator()];
      const source = await given(t).source({ sticky: true, strategy: 'weighted-round-robin' });
      expect(source.sticky).toBe(true);
      await given(t).weights(source.id, [
        { operator_id: a.id, weight: 1 },
        { operator_id: b.id, weight: 1 },
      ]);
      const first = await given(t).request(source.id, { lead_external_id: 'sticky-lead' });
      for (let i = 0; i < 3; i++) {
        const again = await given(t).request(source.id, { lead_external_id: 'sticky-lead' });
        expect(again.operator_id).toBe(first.operator_id);
        const decision = await get(`/requests/${again.id}/decision`);
        expect(decision).toMatchObject({ sticky: true, sticky_operator_id: first.operator_id });
      }
      await t
        .http()
        .patch(`/operators/${first.operator_id}`)
        .send({ is_active: false })
        .expect(200);
      const moved = await given(t).request(source.id, { lead_external_id: 'sticky-lead' });
      expect(moved.operator_id).not.toBe(first.operator_id);
      const decision = await get(`/requests/${moved.id}/decision`);
      expect(decision).toMatchObject({ sticky: false, sticky_operator_id: first.operator_id });

      await t.http().patch(`/sources/${source.id}`).send({ sticky: false }).expect(200);
      await t.http().patch(`/sources/${source.id}`).send({ sticky: 'yes' }).expect(400);
    });
  });

  it('GET /requests/{id}/events: 404 for an unknown request, 400 for a bad id', async () => {
    await t.http().get('/requests/999999/events').expect(404);
    await t.http().get('/requests/abc/events').expect(400);
  });
});

describe('Manual control with authentication (e2e)', () => {
  const ADMIN = 'admin-key-0123456789abcdef';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_API_KEYS: ADMIN, DRAIN_INTERVAL_MS: '0' } });
  });
  afterAll(() => t.close());

  it('intake keys get 403 on assign, reassign, release and history', async () => {
    const auth = { 'X-API-Key': ADMIN };
    const op = await t.http().post('/operators').set(auth).send({ name: 'A' }).expect(201);
    const source = await t.http().post('/sources').set(auth).send({ name: 'S' }).expect(201);
    const key = await t.http().post(`/sources/${source.body.id}/keys`).set(auth).expect(201);
    const intake = { Authorization: `Bearer ${key.body.key}` };
    const r = await t
      .http()
      .post('/requests')
      .set(intake)
      .send({ lead_external_id: 'l1', source_id: source.body.id })
      .expect(201);
    await t
      .http()
      .post(`/requests/${r.body.id}/assign`)
      .set(intake)
      .send({ operator_id: op.body.id })
      .expect(403);
    await t.http().post(`/requests/${r.body.id}/reassign`).set(intake).expect(403);
    await t.http().post(`/operators/${op.body.id}/release`).set(intake).expect(403);
    await t.http().get(`/requests/${r.body.id}/events`).set(intake).expect(403);
    await t
      .http()
      .post(`/requests/${r.body.id}/assign`)
      .set(auth)
      .send({ operator_id: op.body.id })
      .expect(200);
  });
});
