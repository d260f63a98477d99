import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { expectLoadInvariants } from '../utils/invariants';

/** The seed's "Testing the System" scenarios, over HTTP. */
describe('Seed scenarios (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('20/80 weights split 1000 requests about 20/80', async () => {
    const first = await given(t).operator({ max_load: 100000 });
    const second = await given(t).operator({ max_load: 100000 });
    const source = await given(t).source();
    await given(t).weights(source.id, [
      { operator_id: first.id, weight: 20 },
      { operator_id: second.id, weight: 80 },
    ]);
    const n = 1000;
    for (let i = 0; i < n; i++) await given(t).request(source.id);

    const stats = await t.http().get('/requests/distribution/stats').expect(200);
    const row = stats.body.find((s: { source_id: number }) => s.source_id === source.id);
    const firstCount = row.operators.find(
      (o: { operator_id: number }) => o.operator_id === first.id,
    ).requests;
    expect(row.total_requests).toBe(n);
    expect(row.unassigned_requests).toBe(0);
    // Binomial(1000, 0.2): sd ≈ 12.6; ±5 sd keeps a false alarm below one in a million.
    expect(Math.abs(firstCount - 200)).toBeLessThan(64);
  });

  it('load limits: max_load 2 takes two, the third waits and gets the unit a close frees', async () => {
    const operator = await given(t).operator({ max_load: 2 });
    const source = await given(t).source();
    await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);

    const r1 = await given(t).request(source.id);
    const r2 = await given(t).request(source.id);
    const r3 = await given(t).request(source.id);
    expect([r1.operator_id, r2.operator_id, r3.operator_id]).toEqual([
      operator.id,
      operator.id,
      null,
    ]);

    await t.http().patch(`/requests/${r1.id}/status?status=closed`).expect(200);
    // The waiting request took the freed unit at once; a newcomer now waits in its turn.
    expect((await t.http().get(`/requests/${r3.id}`)).body.operator_id).toBe(operator.id);
    const r4 = await given(t).request(source.id);
    expect(r4.operator_id).toBeNull();
    await expectLoadInvariants(t.dataSource);
  });

  it('weight 100 for source A and 0 for source B: assigned from A, never from B', async () => {
    const operator = await given(t).operator();
    const a = await given(t).source();
    const b = await given(t).source();
    await given(t).weights(a.id, [{ operator_id: operator.id, weight: 100 }]);
    await given(t).weights(b.id, [{ operator_id: operator.id, weight: 0 }]);

    expect((await given(t).request(a.id)).operator_id).toBe(operator.id);
    for (let i = 0; i < 5; i++) expect((await given(t).request(b.id)).operator_id).toBeNull();
  });

  it('inactive operators and operators whose max_load was lowered get nothing new', async () => {
    const busy = await given(t).operator({ max_load: 3 });
    const idle = await given(t).operator({ max_load: 3 });
    const source = await given(t).source();
    await given(t).weights(source.id, [{ operator_id: busy.id, weight: 1 }]);
    await given(t).request(source.id);
    await given(t).request(source.id);
    await t.http().patch(`/operators/${busy.id}`).send({ max_load: 1 }).expect(200);
    expect((await t.http().get(`/operators/${busy.id}`)).body).toMatchObject({
      max_load: 1,
      current_load: 2,
    });
    expect((await given(t).request(source.id)).operator_id).toBeNull();

    await given(t).weights(source.id, [{ operator_id: idle.id, weight: 1 }]);
    await t.http().patch(`/operators/${idle.id}`).send({ is_active: false }).expect(200);
    expect((await given(t).request(source.id)).operator_id).toBeNull();
  });
});
