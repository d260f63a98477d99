import { WeightedRoundRobinStrategy } from '../../src/distribution/strategies/weighted-round-robin.strategy';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { countRows } from '../utils/invariants';
import { expectConflict } from '../utils/conflict';

/** Operator ids of `n` requests sent one after the other. */
async function sequence(t: TestApp, sourceId: number, n: number): Promise<Array<number | null>> {
  const ids: Array<number | null> = [];
  for (let i = 0; i < n; i++) ids.push((await given(t).request(sourceId)).operator_id);
  return ids;
}

/** The uninterrupted smooth round-robin sequence for these (operator id, weight) pairs. */
function expectedRoundRobin(weights: Array<[number, number]>, n: number): number[] {
  const sut = new WeightedRoundRobinStrategy();
  const candidates = weights.map(([operatorId, weight]) => ({
    operatorId,
    weight,
    currentLoad: 0,
    maxLoad: 1000,
  }));
  const state = new Map<number, number>();
  return Array.from({ length: n }, () => {
    const selection = sut.select(candidates, state);
    for (const [id, value] of selection.nextState!) state.set(id, value);
    return selection.operatorId;
  });
}

const count = (ids: Array<number | null>, id: number) => ids.filter((x) => x === id).length;

describe('Strategies (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('GET /strategies lists the three strategies with a description', async () => {
    const response = await t.http().get('/strategies').expect(200);
    expect(response.body.map((s: { name: string }) => s.name)).toEqual([
      'weighted-random',
      'weighted-round-robin',
      'weighted-least-loaded',
    ]);
    for (const strategy of response.body) {
      expect(Object.keys(strategy).sort()).toEqual(['description', 'name']);
      expect(strategy.description.length).toBeGreaterThan(10);
    }
    expect(response.headers['x-total-count']).toBe('3');
    const page = await t.http().get('/strategies?limit=1&offset=2').expect(200);
    expect(page.body).toEqual([response.body[2]]);
  });

  describe('a source’s strategy', () => {
    it('is set on creation, null by default, and changed by PATCH /sources/{id}', async () => {
      const created = await t
        .http()
        .post('/sources')
        .send({ name: 'RR source', strategy: 'weighted-round-robin' })
        .expect(201);
      expect(created.body).toMatchObject({ name: 'RR source', strategy: 'weighted-round-robin' });
      const plain = await given(t).source();
      expect(plain.strategy).toBeNull();

      const patched = await t
        .http()
        .patch(`/sources/${created.body.id}`)
        .send({ strategy: 'weighted-least-loaded', description: 'changed' })
        .expect(200);
      expect(patched.body).toEqual({
        ...created.body,
        strategy: 'weighted-least-loaded',
        description: 'changed',
      });
      await t.http().get(`/sources/${created.body.id}`).expect(200, patched.body);

      const renamed = await t
        .http()
        .patch(`/sources/${created.body.id}`)
        .send({ name: 'RR source 2', strategy: null, description: null })
        .expect(200);
      expect(renamed.body).toMatchObject({
        name: 'RR source 2',
        strategy: null,
        description: null,
      });
      await t.http().patch(`/sources/${created.body.id}`).send({}).expect(200, renamed.body);
    });

    it('refuses unknown strategies and bad fields with 400 naming the field, a taken name with 409, an unknown source with 404', async () => {
      const source = await given(t).source({ name: 'Taken' });
      const other = await given(t).source();
      const before = await countRows(t.dataSource, 'sources');

      for (const [method, path, body, field] of [
        ['post', '/sources', { name: 'New', strategy: 'fastest-first' }, 'strategy'],
        ['post', '/sources', { name: 'New', strategy: 7 }, 'strategy'],
        ['patch', `/sources/${other.id}`, { strategy: 'fastest-first' }, 'strategy'],
        ['patch', `/sources/${other.id}`, { strategy: '' }, 'strategy'],
        ['patch', `/sources/${other.id}`, { name: null }, 'name'],
        ['patch', `/sources/${other.id}`, { name: '' }, 'name'],
        ['patch', `/sources/${other.id}`, { extra: 1 }, 'extra'],
        ['patch', '/sources/abc', { name: 'x' }, 'id'],
      ] as const) {
        const response = await t.http()[method](path).send(body).expect(400);
        expect(JSON.stringify(response.body.message)).toContain(field);
      }
      const taken = await expectConflict(
        t.http().patch(`/sources/${other.id}`).send({ name: 'Taken' }),
        'NAME_TAKEN',
      );
      expect(taken.body.message).toContain('Taken');
      await t.http().patch('/sources/987654').send({ name: 'x' }).expect(404);

      expect(await countRows(t.dataSource, 'sources')).toBe(before);
      await t.http().get(`/sources/${source.id}`).expect(200, source);
      await t.http().get(`/sources/${other.id}`).expect(200, other);
    });

    it('switching it changes how requests are assigned, and the switch persists', async () => {
      const a = await given(t).operator({ name: 'A', max_load: 100 });
      const b = await given(t).operator({ name: 'B', max_load: 100 });
      // A already carries 3 requests of another source.
      const busy = await given(t).source();
      await given(t).weights(busy.id, [{ operator_id: a.id, weight: 1 }]);
      await sequence(t, busy.id, 3);

      const source = await given(t).source({ strategy: 'weighted-round-robin' });
      await given(t).weights(source.id, [
        { operator_id: a.id, weight: 1 },
        { operator_id: b.id, weight: 1 },
      ]);
      // Round-robin ignores load: A, B, A, B.
      expect(await sequence(t, source.id, 4)).toEqual([a.id, b.id, a.id, b.id]);

      await t
        .http()
        .patch(`/sources/${source.id}`)
        .send({ strategy: 'weighted-least-loaded' })
        .expect(200);
      const reread = await t.http().get(`/sources/${source.id}`).expect(200);
      expect(reread.body.strategy).toBe('weighted-least-loaded');
      // Least-loaded: A has 5, B has 2, equal weights → B until it catches up, then A (lower id).
      expect(await sequence(t, source.id, 4)).toEqual([b.id, b.id, b.id, a.id]);

      const stats = await t.http().get('/requests/distribution/stats?limit=1000').expect(200);
      const row = stats.body.find((s: { source_id: number }) => s.source_id === source.id);
      expect(row.strategy).toBe('weighted-least-loaded');
      const defaulted = stats.body.find((s: { source_id: number }) => s.source_id === busy.id);
      expect(defaulted.strategy).toBe('weighted-random');
    });
  });

  describe('weighted-round-robin', () => {
    it('weights 1/2/3: 60 simultaneous requests give exactly 10/20/30', async () => {
      const ops = [
        await given(t).operator({ max_load: 100 }),
        await given(t).operator({ max_load: 100 }),
        await given(t).operator({ max_load: 100 }),
      ];
      const source = await given(t).source({ strategy: 'weighted-round-robin' });
      await given(t).weights(
        source.id,
        ops.map((o, i) => ({ operator_id: o.id, weight: i + 1 })),
      );
      const bodies = await Promise.all(
        Array.from({ length: 60 }, () => given(t).request(source.id)),
      );
      const ids = bodies.map((b) => b.operator_id);
      expect(ops.map((o) => count(ids, o.id))).toEqual([10, 20, 30]);
      // Every window of W = 6 consecutive assignments (by request id) is exact too.
      const byId = [...bodies].sort((x, y) => x.id - y.id).map((b) => b.operator_id);
      for (let start = 0; start + 6 <= byId.length; start++) {
        const window = byId.slice(start, start + 6);
        expect(ops.map((o) => count(window, o.id))).toEqual([1, 2, 3]);
      }
    });

    it('skips an operator at capacity and keeps the others’ sequence', async () => {
      const full = await given(t).operator({ max_load: 1 });
      const x = await given(t).operator({ max_load: 100 });
      const y = await given(t).operator({ max_load: 100 });
      const source = await given(t).source({ strategy: 'weighted-round-robin' });
      await given(t).weights(source.id, [
        { operator_id: full.id, weight: 5 },
        { operator_id: x.id, weight: 1 },
        { operator_id: y.id, weight: 2 },
      ]);
      const ids = await sequence(t, source.id, 31);
      expect(ids[0]).toBe(full.id);
      expect(count(ids, full.id)).toBe(1);
      // After the full operator dropped out, x and y share 1:2 in every window of 3.
      const rest = ids.slice(ids.lastIndexOf(full.id) + 1);
      expect(count(rest, x.id) + count(rest, y.id)).toBe(rest.length);
      expect(Math.abs(count(rest, y.id) - 2 * count(rest, x.id))).toBeLessThanOrEqual(2);
    });

    it('continues the exact sequence across an app restart', async () => {
      const first = await createTestApp();
      const ops = [
        await given(first).operator({ max_load: 100 }),
        await given(first).operator({ max_load: 100 }),
        await given(first).operator({ max_load: 100 }),
      ];
      const source = await given(first).source({ strategy: 'weighted-round-robin' });
      const weights: Array<[number, number]> = ops.map((o, i) => [o.id, [5, 1, 1][i]]);
      await given(first).weights(
        source.id,
        weights.map(([operator_id, weight]) => ({ operator_id, weight })),
      );
      const before = await sequence(first, source.id, 4);
      await first.stop();

      const restarted = await createTestApp({ database: first.database });
      try {
        const after = await sequence(restarted, source.id, 10);
        expect([...before, ...after]).toEqual(expectedRoundRobin(weights, 14));
      } finally {
        await restarted.stop();
        await first.database.drop();
      }
    });

    it('restarts the sequence when the weights change', async () => {
      const a = await given(t).operator({ max_load: 100 });
      const b = await given(t).operator({ max_load: 100 });
      const source = await given(t).source({ strategy: 'weighted-round-robin' });
      await given(t).weights(source.id, [
        { operator_id: a.id, weight: 1 },
        { operator_id: b.id, weight: 1 },
      ]);
      // State after A: a=-1, b=1. Without a reset, weights 1/2 would continue B, B, A.
      expect(await sequence(t, source.id, 1)).toEqual([a.id]);
      await given(t).weights(source.id, [
        { operator_id: a.id, weight: 1 },
        { operator_id: b.id, weight: 2 },
      ]);
      expect(await sequence(t, source.id, 4)).toEqual([b.id, a.id, b.id, b.id]);
      // The same weights again continue the sequence (A next; a restart would give B).
      await given(t).weights(source.id, [
        { operator_id: b.id, weight: 2 },
        { operator_id: a.id, weight: 1 },
      ]);
      expect(await sequence(t, source.id, 1)).toEqual([a.id]);
    });
  });

  describe('GET /requests/{id}/decision', () => {
    it('explains an assignment with the strategy’s evidence', async () => {
      const a = await given(t).operator({ name: 'Ann', max_load: 10 });
      const b = await given(t).operator({ name: 'Bob', max_load: 10 });
      const source = await given(t).source({ strategy: 'weighted-round-robin' });
      await given(t).weights(source.id, [
        { operator_id: a.id, weight: 1 },
        { operator_id: b.id, weight: 3 },
      ]);
      const request = await given(t).request(source.id);
      expect(request.operator_id).toBe(b.id);

      const { body } = await t.http().get(`/requests/${request.id}/decision`).expect(200);
      expect(body).toEqual({
        request_id: request.id,
        source_id: source.id,
        strategy: 'weighted-round-robin',
        trigger: 'intake',
        sticky: false,
        sticky_operator_id: null,
        excluded_operator_ids: [],
        summary: expect.stringContaining(`operator ${b.id}`),
        chosen_operator_id: b.id,
        operators: [
          {
            operator_id: a.id,
            operator_name: 'Ann',
            weight: 1,
            current_load: 0,
            offered_load: 0,
            max_load: 10,
            is_active: true,
            eligible: true,
            reason: null,
            missing_skills: [],
          },
          {
            operator_id: b.id,
            operator_name: 'Bob',
            weight: 3,
            current_load: 0,
            offered_load: 0,
            max_load: 10,
            is_active: true,
            eligible: true,
            reason: null,
            missing_skills: [],
          },
        ],
        evidence: {
          total_weight: 4,
          values: [
            { operator_id: a.id, weight: 1, before: 0, raised: 1, after: 1 },
            { operator_id: b.id, weight: 3, before: 0, raised: 3, after: -1 },
          ],
        },
        claims_lost: [],
        required_skills: [],
        skills_relaxed: false,
        decided_at: expect.any(String),
      });
    });

    it('records the random draw and the probabilities', async () => {
      const a = await given(t).operator();
      const b = await given(t).operator();
      const source = await given(t).source({ strategy: 'weighted-random' });
      await given(t).weights(source.id, [
        { operator_id: a.id, weight: 1 },
        { operator_id: b.id, weight: 3 },
      ]);
      const request = await given(t).request(source.id);
      const { body } = await t.http().get(`/requests/${request.id}/decision`).expect(200);
      expect(body.strategy).toBe('weighted-random');
      expect(body.evidence.probabilities).toEqual([
        { operator_id: a.id, probability: 0.25 },
        { operator_id: b.id, probability: 0.75 },
      ]);
      const { random_draw } = body.evidence;
      expect(random_draw).toBeGreaterThanOrEqual(0);
      expect(body.chosen_operator_id).toBe(random_draw < 0.25 ? a.id : b.id);
    });

    it('records least-loaded scores', async () => {
      const a = await given(t).operator();
      const source = await given(t).source({ strategy: 'weighted-least-loaded' });
      await given(t).weights(source.id, [{ operator_id: a.id, weight: 2 }]);
      const request = await given(t).request(source.id);
      const { body } = await t.http().get(`/requests/${request.id}/decision`).expect(200);
      expect(body.evidence).toEqual({
        scores: [{ operator_id: a.id, current_load: 0, weight: 2, score: 0.5 }],
      });
    });

    it('explains an unassigned request: every operator with the reason it was not eligible', async () => {
      const inactive = await given(t).operator({ is_active: false });
      const zero = await given(t).operator();
      const full = await given(t).operator({ max_load: 0 });
      const source = await given(t).source();
      await given(t).weights(source.id, [
        { operator_id: inactive.id, weight: 1 },
        { operator_id: zero.id, weight: 0 },
        { operator_id: full.id, weight: 2 },
      ]);
      const request = await given(t).request(source.id);
      expect(request.operator_id).toBeNull();

      const { body } = await t.http().get(`/requests/${request.id}/decision`).expect(200);
      expect(body).toMatchObject({
        request_id: request.id,
        strategy: 'weighted-random',
        chosen_operator_id: null,
        evidence: null,
      });
      expect(body.summary).toContain('No operator available');
      expect(
        body.operators.map((o: any) => [o.operator_id, o.is_active, o.eligible, o.reason]),
      ).toEqual([
        [inactive.id, false, false, 'inactive'],
        [zero.id, true, false, 'zero_weight'],
        [full.id, true, false, 'at_capacity'],
      ]);

      const empty = await given(t).source();
      const lonely = await given(t).request(empty.id);
      const none = await t.http().get(`/requests/${lonely.id}/decision`).expect(200);
      expect(none.body).toMatchObject({ chosen_operator_id: null, operators: [] });
      expect(none.body.summary).toContain('No operator is configured');
    });

    it('answers 404 for an unknown request and 400 for a bad id', async () => {
      await t.http().get('/requests/987654/decision').expect(404);
      const bad = await t.http().get('/requests/x/decision').expect(400);
      expect(JSON.stringify(bad.body.message)).toContain('id');
    });
  });
});
