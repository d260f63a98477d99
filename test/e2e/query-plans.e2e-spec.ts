import Database from 'better-sqlite3';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { e2eOnPostgres } from '../utils/test-database';

// WAITING's last test, as written by hand or quoted by TypeORM's query builder.
const WAITING_TEST = /"?r"?\."?pending_offer_id"? IS NULL/;

/**
 * SQLite has no statistics, and its planner preferred IDX_requests_operator_status (which also
 * holds every request with a pending offer) for the queue's reads: each pass read every pending
 * offer. Every statement the service prepares that reads the queue must use one of the queue's
 * partial indexes (IDX_requests_waiting*), whatever code path issued it.
 */
(e2eOnPostgres ? describe.skip : describe)('SQLite query plans of the queue (e2e)', () => {
  let t: TestApp;
  const prepared = new Set<string>();
  let spy: jest.SpyInstance;

  beforeAll(async () => {
    const prepare = Database.prototype.prepare;
    spy = jest.spyOn(Database.prototype, 'prepare').mockImplementation(function (
      this: Database.Database,
      sql: string,
    ) {
      prepared.add(sql);
      return prepare.call(this, sql);
    });
    // Short intervals: the sweep, the skill fallback and the expiry pass run during the test.
    t = await createTestApp({
      env: { DRAIN_INTERVAL_MS: '100', SKILL_FALLBACK_INTERVAL_MS: '100' },
    });
  });
  afterAll(async () => {
    spy.mockRestore();
    await t.close();
  });

  it('every read of the waiting requests goes through a partial index of the queue', async () => {
    const operator = await given(t).operator({ max_load: 1, skills: [] });
    const offers = await given(t).source({ assignment: 'offer', offer_timeout_seconds: 60 });
    const skilled = await given(t).source({ required_skills: ['x'], skill_fallback_seconds: 1 });
    for (const source of [offers, skilled]) {
      await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    }
    const offered = await given(t).request(offers.id);
    expect(offered.pending_offer).toBeTruthy();
    await given(t).request(offers.id); // waits: the offer holds the operator's room
    await given(t).request(skilled.id); // waits for the skill, then for room
    const queue = await t.http().get('/requests?waiting=true').expect(200);
    expect([queue.body.length, queue.headers['x-total-count']]).toEqual([2, '2']);
    await t.http().get(`/requests?waiting=true&source_id=${offers.id}`).expect(200);
    await t.http().get('/requests/distribution/stats').expect(200);
    await t.http().get('/metrics').expect(200);
    await t.http().get('/analytics/service-levels').expect(200);
    // A decline frees the room: the drain reads the queue and offers the next one.
    await t
      .http()
      .post(`/offers/${offered.pending_offer.id}/decline`)
      .send({ reason: 'busy' })
      .expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // periodic passes, skill fallback

    const queueReads = [...prepared].filter(
      (sql) => WAITING_TEST.test(sql) && !/^\s*EXPLAIN/i.test(sql),
    );
    expect(queueReads.length).toBeGreaterThan(3);
    const db = new Database(t.database.env.SQLITE_PATH, { readonly: true });
    try {
      const offenders = queueReads.filter((sql) => {
        const parameters = (sql.match(/\?/g) ?? []).map(() => null);
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(parameters) as Array<{
          detail: string;
        }>;
        return !plan.some((row) => row.detail.includes('IDX_requests_waiting'));
      });
      expect(offenders).toEqual([]);
    } finally {
      db.close();
    }
  });
});
