import { DataSource } from 'typeorm';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { expectLoadInvariants } from '../utils/invariants';

/**
 * Round-robin across instances on PostgreSQL. Runs only with TEST_DATABASE_URL set, e.g.
 * TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/strat_test npx jest strategies-postgres
 * The database is wiped first, so its name must contain "test".
 */
const url = process.env.TEST_DATABASE_URL;
const describeOnPostgres = url ? describe : describe.skip;

describeOnPostgres('Strategies on PostgreSQL with two instances (e2e)', () => {
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    if (!/test/.test(new URL(url!).pathname)) {
      throw new Error('TEST_DATABASE_URL must name a database containing "test"');
    }
    const wipe = await new DataSource({ type: 'postgres', url }).initialize();
    await wipe.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await wipe.destroy();
    [one, two] = await Promise.all([
      createTestApp({ env: { DATABASE_URL: url! } }),
      createTestApp({ env: { DATABASE_URL: url! } }),
    ]);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it('weights 1/2/3: 120 requests spread over both instances at once give exactly 20/40/60', async () => {
    const ops = [
      await given(one).operator({ max_load: 1000 }),
      await given(one).operator({ max_load: 1000 }),
      await given(one).operator({ max_load: 1000 }),
    ];
    const source = await given(two).source({ strategy: 'weighted-round-robin' });
    await given(one).weights(
      source.id,
      ops.map((o, i) => ({ operator_id: o.id, weight: i + 1 })),
    );
    const bodies = await Promise.all(
      Array.from({ length: 120 }, (_, i) => given(i % 2 ? one : two).request(source.id)),
    );
    const ids = bodies.map((b) => b.operator_id);
    expect(ops.map((o) => ids.filter((id) => id === o.id).length)).toEqual([20, 40, 60]);
    // Assignments of the source are serialised and each request is inserted under the lock,
    // so request ids follow the sequence: every window of 6 is exact.
    const byId = [...bodies].sort((a, b) => a.id - b.id).map((b) => b.operator_id);
    for (let start = 0; start + 6 <= byId.length; start++) {
      const window = byId.slice(start, start + 6);
      expect(ops.map((o) => window.filter((id) => id === o.id).length)).toEqual([1, 2, 3]);
    }
    await expectLoadInvariants(one.dataSource);
  });

  it('records decisions and switches strategies through either instance', async () => {
    const a = await given(one).operator({ max_load: 2 });
    const source = await given(one).source();
    await given(two).weights(source.id, [{ operator_id: a.id, weight: 1 }]);
    await two.http().patch(`/sources/${source.id}`).send({ strategy: 'weighted-least-loaded' });
    const bodies = await Promise.all(
      Array.from({ length: 6 }, (_, i) => given(i % 2 ? one : two).request(source.id)),
    );
    expect(bodies.filter((b) => b.operator_id === a.id)).toHaveLength(2);
    for (const body of bodies) {
      const { body: decision } = await one.http().get(`/requests/${body.id}/decision`).expect(200);
      expect(decision.strategy).toBe('weighted-least-loaded');
      expect(decision.chosen_operator_id).toBe(body.operator_id);
    }
    const unassigned = bodies.find((b) => b.operator_id === null)!;
    const { body } = await two.http().get(`/requests/${unassigned.id}/decision`).expect(200);
    expect(body.operators[0].eligible === false || body.claims_lost.length === 1).toBe(true);
    await expectLoadInvariants(one.dataSource);
  });
});
