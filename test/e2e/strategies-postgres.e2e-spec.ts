import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { expectLoadInvariants } from '../utils/invariants';
import { createTestDatabase, e2eOnPostgres, TestDatabase } from '../utils/test-database';

/** Round-robin stays exact with two instances interleaving on one PostgreSQL database. */
(e2eOnPostgres ? describe : describe.skip)(
  'Strategies on PostgreSQL with two instances (e2e)',
  () => {
    let database: TestDatabase;
    let one: TestApp;
    let two: TestApp;

    beforeAll(async () => {
      database = await createTestDatabase();
      [one, two] = await Promise.all([createTestApp({ database }), createTestApp({ database })]);
    });
    afterAll(async () => {
      await Promise.all([one?.stop(), two?.stop()]);
      await database?.drop();
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
        const { body: decision } = await one
          .http()
          .get(`/requests/${body.id}/decision`)
          .expect(200);
        expect(decision.strategy).toBe('weighted-least-loaded');
        expect(decision.chosen_operator_id).toBe(body.operator_id);
      }
      const unassigned = bodies.find((b) => b.operator_id === null)!;
      const { body } = await two.http().get(`/requests/${unassigned.id}/decision`).expect(200);
      expect(body.operators[0].eligible === false || body.claims_lost.length === 1).toBe(true);
      await expectLoadInvariants(one.dataSource);
    });
  },
);
