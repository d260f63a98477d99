import { Client } from 'pg';
import { migrations } from '../../src/database/migrations';
import { MIGRATION_LOCK_KEY } from '../../src/database/run-migrations';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import {
  adminQuery,
  createTestDatabase,
  e2eOnPostgres,
  TestDatabase,
} from '../utils/test-database';
import { countRows, expectLoadInvariants } from '../utils/invariants';

/**
 * Several application instances on one PostgreSQL database: two Nest apps, each with its own
 * connection pool, share nothing but the database. (One SQLite file is one instance's.)
 */
(e2eOnPostgres ? describe : describe.skip)('Several instances on one PostgreSQL (e2e)', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Started at once on an empty database: one migrates, the other waits on the lock.
    // LOG_LEVEL fatal: losing the database on purpose below would log errors.
    const env = { LOG_LEVEL: 'fatal' };
    [a, b] = await Promise.all([
      createTestApp({ database, env }),
      createTestApp({ database, env }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it('migrated once, though both started together', async () => {
    expect(await countRows(a.dataSource, 'migrations')).toBe(migrations.length);
  });

  it('waits for another instance’s migration however long it outlasts the statement timeout', async () => {
    const other = await createTestDatabase();
    // Another instance migrating (a long history's fill takes minutes): it holds the lock.
    const migrating = new Client({ connectionString: other.env.DATABASE_URL });
    await migrating.connect();
    let started: TestApp | undefined;
    try {
      await migrating.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const starting = createTestApp({
        database: other,
        env: { LOG_LEVEL: 'fatal', DATABASE_STATEMENT_TIMEOUT_MS: '300' },
      });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await migrating.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      started = await starting;
      expect(await countRows(started.dataSource, 'migrations')).toBe(migrations.length);
      // Every session of the pool keeps the timeout, the one that waited for the lock too.
      const sessions = await Promise.all(
        Array.from({ length: 3 }, () =>
          started!.writer.query(
            "SELECT current_setting('statement_timeout') AS timeout, pg_sleep(0.05)",
          ),
        ),
      );
      expect(sessions.map(([row]) => row.timeout)).toEqual(['300ms', '300ms', '300ms']);
    } finally {
      await migrating.end();
      await started?.stop();
      await other.drop();
    }
  });

  it('answers an intake that waits past the statement timeout with 503 and Retry-After, and writes nothing', async () => {
    const impatient = await createTestApp({
      database,
      env: { LOG_LEVEL: 'fatal', DATABASE_STATEMENT_TIMEOUT_MS: '300' },
    });
    const operator = await given(a).operator();
    const source = await given(a).source();
    await given(a).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    // Another session holds the source (as a slow transaction would): the intake queues behind it.
    const holder = new Client({ connectionString: database.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM sources WHERE id = $1 FOR UPDATE', [source.id]);
      const intake = await impatient
        .http()
        .post('/requests')
        .send({ lead_external_id: 'behind-a-lock', source_id: source.id });
      expect(intake.status).toBe(503);
      expect(intake.body.message).toBe(
        'the database did not finish this change within DATABASE_STATEMENT_TIMEOUT_MS (it is ' +
          'busy); nothing was written; retry after the seconds in Retry-After',
      );
      expect(intake.headers['retry-after']).toBe('1');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
      await impatient.stop();
    }
    const stored = await a.http().get(`/requests?source_id=${source.id}`).expect(200);
    expect(stored.body).toEqual([]);
    await a.http().get(`/operators/${operator.id}`).expect(200).expect((r) => {
      expect(r.body.current_load).toBe(0);
    });
  });

  it('holds every invariant under concurrent creations and closings across both', async () => {
    const maxLoads = [2, 3, 5, 8];
    const operators = await Promise.all(
      maxLoads.map((max_load) => given(a).operator({ max_load })),
    );
    const source = await given(b).source();
    await given(a).weights(
      source.id,
      operators.map((o, i) => ({ operator_id: o.id, weight: i + 1 })),
    );
    const instances = [a, b];
    const created: Array<{ id: number; operator_id: number | null; lead_id: number }> = [];

    const waves = 3;
    for (let wave = 0; wave < waves; wave++) {
      // Creations for 20 customers (so leads race too) and closings of what the last wave got.
      const toClose = created.filter((r) => r.operator_id !== null).slice(-10);
      const responses = await Promise.all([
        ...Array.from({ length: 150 }, (_, i) =>
          instances[i % 2]
            .http()
            .post('/requests')
            .send({ lead_external_id: `multi-${i % 20}`, source_id: source.id }),
        ),
        ...toClose.map((r, i) =>
          instances[(i + 1) % 2].http().patch(`/requests/${r.id}/status?status=closed`),
        ),
      ]);
      for (const response of responses) expect([200, 201]).toContain(response.status);
      created.push(...responses.filter((r) => r.status === 201).map((r) => r.body));
      await expectLoadInvariants(a.dataSource);
    }

    // One lead per external id, every 201 stored.
    expect(new Set(created.map((r) => r.lead_id)).size).toBe(20);
    expect(await countRows(a.dataSource, 'leads')).toBe(20);
    const stored = await a.http().get(`/requests?source_id=${source.id}&limit=1000`).expect(200);
    expect(stored.body.map((r: { id: number }) => r.id).sort()).toEqual(
      created.map((r) => r.id).sort(),
    );
    // A last burst without closings fills everyone exactly to max_load, never past it.
    const last = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        instances[i % 2]
          .http()
          .post('/requests')
          .send({ lead_external_id: `multi-${i % 20}`, source_id: source.id }),
      ),
    );
    expect(last.map((r) => r.status)).toEqual(last.map(() => 201));
    const loads = await expectLoadInvariants(b.dataSource);
    for (const operator of operators) {
      expect(loads.find((l) => l.id === operator.id)!.current_load).toBe(operator.max_load);
    }
  });

  it('keeps serving after its database connections are cut, and reports 503 while it is away', async () => {
    const name = new URL(database.env.DATABASE_URL).pathname.slice(1);
    const known = await given(a).source();
    await adminQuery(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await adminQuery(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
    );
    try {
      const down = await a.http().get('/health');
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ status: 'error', database: 'down' });
      // An unreachable database is unavailability, not a defect: 503 with when to retry.
      const intake = await a
        .http()
        .post('/requests')
        .send({ lead_external_id: 'while-away', source_id: known.id });
      expect(intake.status).toBe(503);
      expect(intake.body.message).toBe(
        'the database is unreachable; retry after the seconds in Retry-After',
      );
      expect(Number(intake.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await adminQuery(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    }
    await a.http().get('/health').expect(200, { status: 'ok', database: 'up' });
    const none = await a.http().get(`/requests?source_id=${known.id}`).expect(200);
    expect(none.body).toEqual([]);
    const source = await given(b).source();
    await given(b).request(source.id);
  });
});

// Nest closes the HTTP server (waiting for requests in flight) before its shutdown hooks close
// the database; SIGTERM takes the same path through enableShutdownHooks().
describe('Graceful shutdown (e2e)', () => {
  it('answers the requests in flight when it is closed, and every 201 is stored', async () => {
    const first = await createTestApp();
    const source = await given(first).source();
    const operator = await given(first).operator({ max_load: 1000 });
    await given(first).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);

    // Close as soon as the first answer is out, while the others are being processed.
    let stopping: Promise<void> | undefined;
    const inFlight = Array.from({ length: 100 }, (_, i) =>
      first
        .http()
        .post('/requests')
        .send({ lead_external_id: `shutdown-${i}`, source_id: source.id })
        .then(
          (r) => {
            stopping ??= first.stop();
            return r;
          },
          () => undefined,
        ),
    );
    const settled = await Promise.all(inFlight);
    await stopping;
    const answered = settled.filter((r) => r !== undefined);
    // A request either never got in (connection refused) or was answered in full: never a 5xx.
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.map((r) => r.status)).toEqual(answered.map(() => 201));

    const restarted = await createTestApp({ database: first.database });
    try {
      const stored = await restarted
        .http()
        .get(`/requests?source_id=${source.id}&limit=1000`)
        .expect(200);
      const storedIds = new Set(stored.body.map((r: { id: number }) => r.id));
      for (const response of answered) expect(storedIds.has(response.body.id)).toBe(true);
      await expectLoadInvariants(restarted.dataSource);
    } finally {
      await restarted.stop();
      await first.database.drop();
    }
  });
});
