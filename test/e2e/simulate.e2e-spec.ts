import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { countRows, operatorLoads, rowCounts } from '../utils/invariants';

describe('Simulator (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** Three operators weighted 1/2/3 on a round-robin source, with room for everything. */
  async function threeOperatorSource(maxLoad = 100_000) {
    const ops = [
      await given(t).operator({ name: 'One', max_load: maxLoad }),
      await given(t).operator({ name: 'Two', max_load: maxLoad }),
      await given(t).operator({ name: 'Three', max_load: maxLoad }),
    ];
    const source = await given(t).source({ strategy: 'weighted-round-robin' });
    await given(t).weights(
      source.id,
      ops.map((o, i) => ({ operator_id: o.id, weight: i + 1 })),
    );
    return { ops, source };
  }

  /** Every table, plus the loads and the round-robin state, so "writes nothing" means nothing. */
  const snapshot = async () => ({
    rows: await rowCounts(t.dataSource),
    state: await countRows(t.dataSource, 'round_robin_state'),
    stateValues: await t.dataSource.query(
      'SELECT source_id, operator_id, current_value FROM round_robin_state ORDER BY 1, 2',
    ),
    loads: await operatorLoads(t.dataSource),
  });

  it('matches the weights exactly for round-robin, and writes nothing', async () => {
    const { ops, source } = await threeOperatorSource();
    await given(t).request(source.id); // some real traffic first, so there is state to keep
    const before = await snapshot();

    const { body } = await t
      .http()
      .post(`/sources/${source.id}/simulate`)
      .send({ requests: 600 })
      .expect(200);
    expect(body).toMatchObject({
      source_id: source.id,
      strategy: 'weighted-round-robin',
      capacity: 'current',
      requests: 600,
      assigned: 600,
      unassigned: 0,
    });
    expect(body.operators.map((o: any) => [o.operator_id, o.requests])).toEqual([
      [ops[0].id, 100],
      [ops[1].id, 200],
      [ops[2].id, 300],
    ]);
    for (const o of body.operators) expect(o.share).toBeCloseTo(o.expected_share, 10);
    expect(body.operators[0]).toEqual({
      operator_id: ops[0].id,
      operator_name: 'One',
      weight: 1,
      current_load: 0,
      offered_load: 0,
      max_load: 100_000,
      is_active: true,
      eligible: true,
      reason: null,
      missing_skills: [],
      expected_share: 1 / 6,
      requests: 100,
      share: 1 / 6,
    });

    expect(await snapshot()).toEqual(before);
  });

  it('tries another strategy: random within a statistical bound, least-loaded evenly', async () => {
    const { ops, source } = await threeOperatorSource();
    const before = await snapshot();
    const n = 60_000;
    const random = await t
      .http()
      .post(`/sources/${source.id}/simulate`)
      .send({ requests: n, strategy: 'weighted-random' })
      .expect(200);
    expect(random.body.strategy).toBe('weighted-random');
    for (const o of random.body.operators) {
      const p = o.expected_share;
      expect(Math.abs(o.requests - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    }
    const leastLoaded = await t
      .http()
      .post(`/sources/${source.id}/simulate`)
      .send({ requests: 600, strategy: 'weighted-least-loaded' })
      .expect(200);
    // From empty loads least-loaded keeps load / weight level: 100/200/300.
    expect(leastLoaded.body.operators.map((o: any) => o.requests)).toEqual([100, 200, 300]);
    expect(ops).toHaveLength(3);
    expect(await snapshot()).toEqual(before);
  });

  it('runs proposed weights without saving them', async () => {
    const { ops, source } = await threeOperatorSource();
    const before = await snapshot();
    const { body } = await t
      .http()
      .post(`/sources/${source.id}/simulate`)
      .send({
        requests: 100,
        weights: [
          { operator_id: ops[2].id, weight: 3 },
          { operator_id: ops[0].id, weight: 1 },
        ],
      })
      .expect(200);
    expect(body.operators.map((o: any) => [o.operator_id, o.expected_share, o.requests])).toEqual([
      [ops[0].id, 0.25, 25],
      [ops[2].id, 0.75, 75],
    ]);
    await t
      .http()
      .get(`/sources/${source.id}/weights`)
      .expect(200)
      .expect((r) => expect(r.body.map((w: any) => w.weight)).toEqual([1, 2, 3]));
    expect(await snapshot()).toEqual(before);
  });

  it('respects loads and capacities: full and ineligible operators, then unassigned', async () => {
    const a = await given(t).operator({ max_load: 5 });
    const b = await given(t).operator({ max_load: 10 });
    const inactive = await given(t).operator({ is_active: false });
    const source = await given(t).source();
    await given(t).weights(source.id, [
      { operator_id: a.id, weight: 1 },
      { operator_id: b.id, weight: 1 },
      { operator_id: inactive.id, weight: 5 },
    ]);
    // b already carries 4 real requests.
    const other = await given(t).source();
    await given(t).weights(other.id, [{ operator_id: b.id, weight: 1 }]);
    for (let i = 0; i < 4; i++) await given(t).request(other.id);

    const { body } = await t
      .http()
      .post(`/sources/${source.id}/simulate`)
      .send({ requests: 20, strategy: 'weighted-least-loaded' })
      .expect(200);
    expect(body).toMatchObject({ requests: 20, assigned: 11, unassigned: 9 });
    expect(body.operators.map((o: any) => [o.current_load, o.requests, o.reason])).toEqual([
      [0, 5, null],
      [4, 6, null],
      [0, 0, 'inactive'],
    ]);
  });

  it("capacity 'ignore' gives the shares by weight, summing to 1, even when operators are full", async () => {
    // Alice and Bob are full now: from current loads nobody takes anything.
    const alice = await given(t).operator({ name: 'Alice', max_load: 1 });
    const bob = await given(t).operator({ name: 'Bob', max_load: 1 });
    const off = await given(t).operator({ name: 'Off', is_active: false });
    const source = await given(t).source({ strategy: 'weighted-round-robin' });
    const weights = [
      { operator_id: alice.id, weight: 2 },
      { operator_id: bob.id, weight: 5 },
      { operator_id: off.id, weight: 3 },
    ];
    await given(t).weights(source.id, weights);
    await given(t).request(source.id);
    await given(t).request(source.id);
    const before = await snapshot();

    const current = await t
      .http()
      .post(`/sources/${source.id}/simulate`)
      .send({ requests: 700 })
      .expect(200);
    expect(current.body).toMatchObject({ capacity: 'current', assigned: 0, unassigned: 700 });

    const { body } = await t
      .http()
      .post(`/sources/${source.id}/simulate`)
      .send({ requests: 700, capacity: 'ignore' })
      .expect(200);
    expect(body).toMatchObject({ capacity: 'ignore', requests: 700, assigned: 700, unassigned: 0 });
    expect(
      body.operators.map((o: any) => [
        o.operator_name,
        o.requests,
        o.share,
        o.current_load,
        o.reason,
      ]),
    ).toEqual([
      ['Alice', 200, 2 / 7, 1, 'at_capacity'],
      ['Bob', 500, 5 / 7, 1, 'at_capacity'],
      ['Off', 0, 0, 0, 'inactive'],
    ]);
    expect(body.operators.reduce((sum: number, o: any) => sum + o.share, 0)).toBeCloseTo(1, 10);

    // Proposed weights and another strategy combine with it.
    const proposed = await t
      .http()
      .post(`/sources/${source.id}/simulate`)
      .send({
        requests: 400,
        capacity: 'ignore',
        strategy: 'weighted-least-loaded',
        weights: [
          { operator_id: alice.id, weight: 1 },
          { operator_id: bob.id, weight: 3 },
        ],
      })
      .expect(200);
    expect(proposed.body.operators.map((o: any) => o.requests)).toEqual([100, 300]);
    expect(await snapshot()).toEqual(before);
  });

  it('answers 404 for an unknown source or operator', async () => {
    const { source } = await threeOperatorSource();
    await t.http().post('/sources/987654/simulate').send({ requests: 10 }).expect(404);
    const unknown = await t
      .http()
      .post(`/sources/${source.id}/simulate`)
      .send({ requests: 10, weights: [{ operator_id: 987654, weight: 1 }] })
      .expect(404);
    expect(unknown.body.message).toContain('987654');
  });

  it.each([
    [{}, 'requests'],
    [{ requests: 0 }, 'requests'],
    [{ requests: 100_001 }, 'requests'],
    [{ requests: 1.5 }, 'requests'],
    [{ requests: '10' }, 'requests'],
    [{ requests: 10, strategy: 'fastest' }, 'strategy'],
    [{ requests: 10, strategy: null }, 'strategy'],
    [{ requests: 10, weights: {} }, 'weights'],
    [{ requests: 10, weights: [{ operator_id: 1, weight: -1 }] }, 'weight'],
    [{ requests: 10, weights: [{ operator_id: 0, weight: 1 }] }, 'operator_id'],
    [
      {
        requests: 10,
        weights: [
          { operator_id: 1, weight: 1 },
          { operator_id: 1, weight: 2 },
        ],
      },
      'operator_id',
    ],
    [{ requests: 10, extra: 1 }, 'extra'],
    [{ requests: 10, capacity: 'unlimited' }, 'capacity'],
    [{ requests: 10, capacity: null }, 'capacity'],
  ])('rejects %j with 400 naming %s', async (body, field) => {
    const source = await given(t).source();
    const response = await t.http().post(`/sources/${source.id}/simulate`).send(body).expect(400);
    expect(JSON.stringify(response.body.message)).toContain(field);
  });

  it('simulates 100000 requests over 50 operators quickly', async () => {
    const source = await given(t).source({ strategy: 'weighted-round-robin' });
    const ops = [];
    for (let i = 0; i < 50; i++) ops.push(await given(t).operator({ max_load: 100_000 }));
    await given(t).weights(
      source.id,
      ops.map((o, i) => ({ operator_id: o.id, weight: i + 1 })),
    );
    const started = Date.now();
    const { body } = await t
      .http()
      .post(`/sources/${source.id}/simulate`)
      .send({ requests: 100_000 })
      .expect(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(body.assigned).toBe(100_000);
    // W = 1275: 78 full windows plus 550 picks; each count within one of the ideal share.
    for (const o of body.operators) {
      expect(Math.abs(o.requests - 100_000 * o.expected_share)).toBeLessThanOrEqual(1);
    }
  });
});
