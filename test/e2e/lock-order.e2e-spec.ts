import { Client } from 'pg';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { eventually } from '../utils/eventually';
import { expectQuiescentInvariants } from '../utils/invariants';
import { e2eOnPostgres } from '../utils/test-database';

type Body = Record<string, any>;

/**
 * Changes that read an operator's activity must read it under the operator's lock: here another
 * session holds an uncommitted change of `is_active` while the API call starts, and commits it
 * once the call is waiting for the row. PostgreSQL only: SQLite runs one write at a time.
 */
(e2eOnPostgres ? describe : describe.skip)('Activity read under lock (e2e, PostgreSQL)', () => {
  let t: TestApp;
  let session: Client;

  beforeAll(async () => {
    t = await createTestApp({ env: { DRAIN_INTERVAL_MS: '0' } });
  });
  beforeEach(async () => {
    session = new Client({ connectionString: t.database.env.DATABASE_URL });
    await session.connect();
  });
  afterEach(() => session.end());
  afterAll(() => t.close());

  /** Runs `call` while `sql` is uncommitted in another session, then commits it. */
  async function whileUncommitted<T>(sql: string, call: () => Promise<T>): Promise<T> {
    await session.query('BEGIN');
    await session.query(sql);
    // Promise.resolve sends it now (a supertest request is sent when it is first awaited).
    const pending = Promise.resolve(call());
    // The call has reached the operator's row once it waits for this session's lock.
    await waitForLockWaiter(session);
    await session.query('COMMIT');
    return pending;
  }

  it('reopening onto an operator deactivated meanwhile waits instead of answering 409', async () => {
    const operator = await given(t).operator({ max_load: 1 });
    const source = await given(t).source();
    await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    const request = await given(t).request(source.id);
    await t.http().patch(`/requests/${request.id}/status?status=closed`).expect(200);

    const reopened = await whileUncommitted(
      `UPDATE operators SET is_active = false WHERE id = ${operator.id}`,
      () => t.http().patch(`/requests/${request.id}/status?status=active`),
    );
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'active', operator_id: null });
    await expectQuiescentInvariants(t.dataSource);
  });

  it('releasing an operator re-activated meanwhile is refused, and it keeps its work', async () => {
    const operator = await given(t).operator({ max_load: 2 });
    const other = await given(t).operator({ max_load: 5 });
    const source = await given(t).source();
    await given(t).weights(source.id, [
      { operator_id: operator.id, weight: 1 },
      { operator_id: other.id, weight: 1 },
    ]);
    const held: Body[] = [];
    while (held.length < 2) {
      const request = await given(t).request(source.id);
      if (request.operator_id === operator.id) held.push(request);
      else await t.http().patch(`/requests/${request.id}/status?status=closed`).expect(200);
    }
    await t.http().patch(`/operators/${operator.id}`).send({ is_active: false }).expect(200);

    const released = await whileUncommitted(
      `UPDATE operators SET is_active = true WHERE id = ${operator.id}`,
      () => t.http().post(`/operators/${operator.id}/release`),
    );
    expect(released.status).toBe(409);
    expect(released.body.code).toBe('OPERATOR_ACTIVE');
    for (const request of held) {
      const now = (await t.http().get(`/requests/${request.id}`).expect(200)).body as Body;
      expect(now.operator_id).toBe(operator.id);
    }
    await expectQuiescentInvariants(t.dataSource);
  });
});

/** Polls until some other session waits for a lock this session holds. */
async function waitForLockWaiter(session: Client): Promise<void> {
  await eventually(
    async () => {
      const { rows } = await session.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM pg_stat_activity
          WHERE wait_event_type = 'Lock' AND pg_backend_pid() = ANY(pg_blocking_pids(pid))`,
      );
      return Number(rows[0].n) > 0;
    },
    10_000,
    'a session to wait for the lock',
    20,
  );
}
