import { RequestsService } from '../../src/requests/requests.service';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { countRows, expectLoadInvariants } from '../utils/invariants';

/** The invariants of api.md under requests that arrive in the same tick. */
describe('Concurrency (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('200 simultaneous creations (and 50 failing ones) for one lead: capacity never exceeded, one lead, every 201 stored', async () => {
    const maxLoads = [3, 5, 7];
    const operators = await Promise.all(
      maxLoads.map((max_load) => given(t).operator({ max_load })),
    );
    const zero = await given(t).operator({ max_load: 100 });
    const inactive = await given(t).operator({ max_load: 100, is_active: false });
    const source = await given(t).source();
    await given(t).weights(source.id, [
      ...operators.map((o) => ({ operator_id: o.id, weight: 1 })),
      { operator_id: zero.id, weight: 0 },
      { operator_id: inactive.id, weight: 5 },
    ]);
    const leadsBefore = await countRows(t.dataSource, 'leads');

    // Interleaved with requests that fail inside their transaction (unknown source): a rollback
    // must never take another request's writes with it.
    const all = await Promise.all(
      Array.from({ length: 250 }, (_, i) =>
        t
          .http()
          .post('/requests')
          .send({
            lead_external_id: 'burst-customer',
            source_id: i % 5 === 4 ? 987654 : source.id,
            message: `burst ${i}`,
          }),
      ),
    );
    expect(all.filter((r) => r.status === 404)).toHaveLength(50);
    const responses = all.filter((r) => r.status !== 404);

    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(201));
    const bodies = responses.map((r) => r.body);
    expect(new Set(bodies.map((b) => b.lead_id)).size).toBe(1);
    expect(await countRows(t.dataSource, 'leads')).toBe(leadsBefore + 1);

    const assigned = bodies.filter((b) => b.operator_id !== null);
    const capacity = maxLoads.reduce((a, b) => a + b, 0);
    expect(assigned).toHaveLength(capacity);
    for (const operator of operators) {
      expect(assigned.filter((b) => b.operator_id === operator.id)).toHaveLength(operator.max_load);
    }
    expect(assigned.some((b) => b.operator_id === zero.id || b.operator_id === inactive.id)).toBe(
      false,
    );

    // Every 201 is stored, exactly as answered.
    const stored = await t.http().get(`/requests?source_id=${source.id}&limit=1000`).expect(200);
    expect(stored.body).toHaveLength(200);
    expect(new Map(stored.body.map((r: { id: number }) => [r.id, r]))).toEqual(
      new Map(bodies.map((b) => [b.id, b])),
    );
    await expectLoadInvariants(t.dataSource);
  });

  it('closings, reopenings and creations interleaved keep load equal to active requests', async () => {
    const operator = await given(t).operator({ max_load: 4 });
    const source = await given(t).source();
    await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    const initial = await Promise.all(Array.from({ length: 4 }, () => given(t).request(source.id)));
    expect(initial.every((r) => r.operator_id === operator.id)).toBe(true);

    const mixed = await Promise.all([
      // Each request closed twice at once: only one unit may be freed per request.
      ...initial.flatMap((r) => [
        t.http().patch(`/requests/${r.id}/status?status=closed`),
        t.http().patch(`/requests/${r.id}/status?status=closed`),
      ]),
      ...Array.from({ length: 20 }, () =>
        t
          .http()
          .post('/requests')
          .send({ lead_external_id: `mixed-${Math.random()}`, source_id: source.id }),
      ),
      ...initial.map((r) => t.http().patch(`/requests/${r.id}/status?status=active`)),
    ]);
    for (const response of mixed) expect([200, 201, 409]).toContain(response.status);

    const loads = await expectLoadInvariants(t.dataSource);
    expect(loads.find((l) => l.id === operator.id)!.current_load).toBeLessThanOrEqual(4);
  });

  it('transactions started in the same tick (service layer) never interleave or lose a commit', async () => {
    // Over HTTP each request arrives in its own macrotask; calling the service directly starts
    // every transaction in one tick, the case the SQLite write queue exists for.
    const operator = await given(t).operator({ max_load: 10 });
    const source = await given(t).source();
    await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    const service = t.app.get(RequestsService);

    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        service.create({
          lead_external_id: `tick-${i % 7}`,
          source_id: i % 4 === 3 ? 987654 : source.id,
        }),
      ),
    );
    const created = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(created).toHaveLength(75);
    expect(created.filter((r) => r.operator_id === operator.id)).toHaveLength(10);

    const stored = await t.http().get(`/requests?source_id=${source.id}&limit=1000`).expect(200);
    expect(stored.body.map((r: { id: number }) => r.id).sort()).toEqual(
      created.map((r) => r.id).sort(),
    );
    await expectLoadInvariants(t.dataSource);
  });

  it('concurrent weight replacements of one source each apply whole, one after another', async () => {
    const operators = await Promise.all(Array.from({ length: 4 }, () => given(t).operator()));
    const source = await given(t).source();
    const configs = Array.from({ length: 20 }, (_, i) =>
      operators.slice(i % 3).map((o, j) => ({ operator_id: o.id, weight: i * 10 + j })),
    );
    const responses = await Promise.all(
      configs.map((config) => t.http().post(`/sources/${source.id}/weights`).send(config)),
    );
    expect(responses.map((r) => r.status)).toEqual(configs.map(() => 200));
    // What is stored is exactly one of the configurations, never a mix of two.
    const stored = await t.http().get(`/sources/${source.id}/weights`).expect(200);
    const asPairs = (list: Array<{ operator_id: number; weight: number }>) =>
      [...list]
        .sort((a, b) => a.operator_id - b.operator_id)
        .map((w) => `${w.operator_id}:${w.weight}`)
        .join(',');
    expect(configs.map(asPairs)).toContain(asPairs(stored.body));
  });
});
