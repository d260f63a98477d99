import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { waitingWithRoom } from '../utils/invariants';
import { createTestDatabase, e2eOnPostgres, TestDatabase } from '../utils/test-database';

type Body = Record<string, any>;

const ROUNDS = 40;

/**
 * The lost wake-up race (invariants 5 and 6), with the sweep off so that nothing but the changes
 * themselves can assign a waiting request. An operator with max_load 1 holds one request; each
 * round fires "a new request arrives" and "the held request is closed" at once, on different
 * instances when there are two. Whatever the interleaving, the newcomer must end up with the
 * freed unit: either the intake sees the room, or the close's drain sees the waiting request.
 * A stranded newcomer would be overtaken by the next intake, which this round's checks also show.
 */
async function raceIntakeAgainstClose(instances: TestApp[]): Promise<void> {
  const [a] = instances;
  const on = (i: number) => instances[i % instances.length].http();
  const operator = await given(a).operator({ max_load: 1 });
  const source = await given(a).source();
  await given(a).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
  let held = await given(a).request(source.id);
  expect(held.operator_id).toBe(operator.id);

  const stranded: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const [intake, close] = await Promise.all([
      on(round)
        .post('/requests')
        .send({ lead_external_id: `race-${round}`, source_id: source.id }),
      on(round + 1).patch(`/requests/${held.id}/status?status=closed`),
    ]);
    expect(intake.status).toBe(201);
    expect(close.status).toBe(200);
    const newcomer = (await a.http().get(`/requests/${intake.body.id}`).expect(200)).body as Body;
    if (newcomer.operator_id !== operator.id) {
      stranded.push(newcomer.id);
      // Put the round back on its feet so the next one races again from the same state.
      await a.http().post(`/requests/${newcomer.id}/assign`).send({ operator_id: operator.id });
    }
    held = newcomer;
  }
  expect({ stranded, waitingWithRoom: await waitingWithRoom(a.dataSource) }).toEqual({
    stranded: [],
    waitingWithRoom: [],
  });
}

describe('No lost wake-up: intake racing a close, sweep off (e2e)', () => {
  it(`assigns the newcomer in each of ${ROUNDS} rounds on one instance`, async () => {
    const t = await createTestApp({ env: { DRAIN_INTERVAL_MS: '0' } });
    try {
      await raceIntakeAgainstClose([t]);
    } finally {
      await t.close();
    }
  });

  (e2eOnPostgres ? it : it.skip)(
    `assigns the newcomer in each of ${ROUNDS} rounds across two PostgreSQL instances`,
    async () => {
      const database: TestDatabase = await createTestDatabase();
      const env = { DRAIN_INTERVAL_MS: '0', LOG_LEVEL: 'fatal' };
      const a = await createTestApp({ database, env });
      const b = await createTestApp({ database, env });
      try {
        await raceIntakeAgainstClose([a, b]);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
        await database.drop();
      }
    },
  );
});
