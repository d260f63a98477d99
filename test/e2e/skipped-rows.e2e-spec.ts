import { given } from '../factories';
import { createTestApp } from '../utils/create-test-app';
import { eventually } from '../utils/eventually';
import { waitingWithRoom } from '../utils/invariants';
import { createTestDatabase, e2eOnPostgres } from '../utils/test-database';

/**
 * A drain skips waiting rows another transaction holds (FOR UPDATE SKIP LOCKED). When that
 * holder rolls back (here a manual assign refused with 409), the request must still be woken:
 * the drain re-drains such rows after its commit. Two instances, sweep off, so nothing else
 * would assign it.
 */
(e2eOnPostgres ? describe : describe.skip)(
  'Rows a drain skipped as locked (e2e, PostgreSQL)',
  () => {
    it('a refused manual assign racing a close does not leave its request waiting with room', async () => {
      const database = await createTestDatabase();
      const env = { DRAIN_INTERVAL_MS: '0', SKILL_FALLBACK_INTERVAL_MS: '0' };
      const a = await createTestApp({ database, env });
      const b = await createTestApp({ database, env });
      try {
        for (let round = 0; round < 30; round++) {
          const p = await given(a).operator({ max_load: 1 });
          const x = await given(a).operator({ max_load: 1 });
          const s = await given(a).source();
          await given(a).weights(s.id, [
            { operator_id: p.id, weight: 1 },
            { operator_id: x.id, weight: 1 },
          ]);
          const r1 = await given(a).request(s.id);
          const r2 = await given(a).request(s.id);
          const waiting = await given(a).request(s.id);
          const held = r1.operator_id === p.id ? r1 : r2;
          const [assign, close] = await Promise.all([
            a.http().post(`/requests/${waiting.id}/assign`).send({ operator_id: x.id }),
            b.http().patch(`/requests/${held.id}/status?status=closed`),
          ]);
          expect([assign.status, close.status]).toEqual([409, 200]);
          // The close's drain, or its re-drain after the assign let go of the row, assigns it.
          await eventually(
            async () => {
              const { body } = await a.http().get(`/requests/${waiting.id}`).expect(200);
              expect(body.operator_id).toBe(p.id);
            },
            5000,
            `request ${waiting.id} assigned in round ${round}`,
          );
        }
        expect(await waitingWithRoom(a.dataSource)).toEqual([]);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
        await database.drop();
      }
    });
  },
);
