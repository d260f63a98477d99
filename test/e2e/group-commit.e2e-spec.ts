import { TransactionRunner } from '../../src/database/transaction-runner';
import type { SqliteStatements, Tx } from '../../src/database/tx';
import { Operator } from '../../src/operators/entities/operator.entity';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { eventually } from '../utils/eventually';
import { e2eOnPostgres } from '../utils/test-database';
import { fakeDateOnly } from '../utils/fake-date';

/**
 * The SQLite group commit's failure paths (TransactionRunner): SQLite ending the whole
 * transaction, a ROLLBACK that fails, and a transaction that never ends (a nested run in
 * production). PostgreSQL has none of them: each transaction has its own connection.
 */
(e2eOnPostgres ? describe.skip : describe)('Group commit failure paths (e2e, SQLite)', () => {
  let t: TestApp;
  let runner: TransactionRunner;

  beforeAll(async () => {
    t = await createTestApp({ env: { DRAIN_INTERVAL_MS: '0', LOG_LEVEL: 'fatal' } });
    runner = t.app.get(TransactionRunner);
  });
  afterAll(() => t.close());

  const insert = (tx: Tx, name: string) =>
    tx.manager.insert(Operator, {
      name,
      isActive: true,
      maxLoad: 1,
      currentLoad: 0,
      createdAt: new Date(),
    });

  const storedNames = async () =>
    (await t.dataSource.getRepository(Operator).find()).map((operator) => operator.name);

  /** The runner's prepared BEGIN/COMMIT/ROLLBACK, to make one of them fail. */
  const statementsOf = (sut: TransactionRunner) =>
    (sut as unknown as { sqlite: { statements: SqliteStatements } }).sqlite.statements;

  /** Makes `sql` fail on the runner's connection `times` times (Infinity: until restored). */
  function failing(sut: TransactionRunner, failures: Record<string, number>) {
    const statements = statementsOf(sut);
    const run = statements.run.bind(statements);
    const left = { ...failures };
    const spy = jest.spyOn(statements, 'run').mockImplementation((sql, params) => {
      if ((left[sql] ?? 0) > 0) {
        left[sql]--;
        throw new Error(`injected failure of ${sql}`);
      }
      return run(sql, params);
    });
    return { restore: () => spy.mockRestore() };
  }

  it('SQLite ends the whole transaction (a full disk, say): every job of the group fails, no effect runs, the next job commits', async () => {
    const effects: string[] = [];
    const job = (name: string, endsTheTransaction = false) =>
      runner.run(async (tx) => {
        await insert(tx, name);
        tx.afterCommit(() => effects.push(name));
        if (endsTheTransaction) {
          // What SQLite does on SQLITE_FULL or an I/O error: the whole transaction is rolled
          // back under the group, not only this job's savepoint.
          await tx.query('ROLLBACK');
          throw new Error('database or disk is full');
        }
        return name;
      });
    // Queued in one turn: one group, the second job ends the transaction. The clock stands
    // still meanwhile (only Date is faked), so a busy machine cannot end the group at its time
    // limit between the first two jobs.
    fakeDateOnly();
    let outcomes: PromiseSettledResult<string>[];
    try {
      outcomes = await Promise.allSettled([
        job('full-a'),
        job('full-b', true),
        job('full-c'),
        job('full-d'),
      ]);
    } finally {
      jest.useRealTimers();
    }
    const [a, b] = outcomes;
    expect(a).toMatchObject({
      status: 'rejected',
      reason: { message: 'database or disk is full' },
    });
    expect(b).toMatchObject({
      status: 'rejected',
      reason: { message: 'database or disk is full' },
    });
    // The jobs after it had not started: they run in the next group.
    expect(outcomes.slice(2).map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(effects).toEqual(['full-c', 'full-d']);
    const stored = await storedNames();
    expect(stored).not.toContain('full-a');
    expect(stored).not.toContain('full-b');
    expect(stored).toEqual(expect.arrayContaining(['full-c', 'full-d']));
    await expect(runner.run((tx) => insert(tx, 'full-after').then(() => 'ok'))).resolves.toBe('ok');
    expect(await storedNames()).toContain('full-after');
  });

  it('a ROLLBACK that fails once is tried again: the writer leaves the failed transaction and the next job commits', async () => {
    const injected = failing(runner, { COMMIT: 1, ROLLBACK: 1 });
    try {
      const effects: string[] = [];
      await expect(
        runner.run(async (tx) => {
          await insert(tx, 'rollback-once-a');
          tx.afterCommit(() => effects.push('a'));
        }),
      ).rejects.toThrow('injected failure of COMMIT');
      expect(effects).toEqual([]);
      await expect(runner.run((tx) => insert(tx, 'rollback-once-b').then(() => 'b'))).resolves.toBe(
        'b',
      );
      const stored = await storedNames();
      expect(stored).toContain('rollback-once-b');
      expect(stored).not.toContain('rollback-once-a');
      await t.http().get('/health').expect(200, { status: 'ok', database: 'up' });
    } finally {
      injected.restore();
    }
  });

  it('a writer stuck in a transaction it cannot roll back is reported down by /health and /health/ready, and recovers once ROLLBACK works', async () => {
    const injected = failing(runner, { COMMIT: 1, ROLLBACK: Infinity });
    try {
      await expect(runner.run((tx) => insert(tx, 'stuck-a'))).rejects.toThrow(
        'injected failure of COMMIT',
      );
      await t.http().get('/health').expect(503, { status: 'error', database: 'down' });
      const ready = await t.http().get('/health/ready').expect(503);
      expect(ready.body.details.database.status).toBe('down');
      // Writes fail at once, and say why (no hang, no "cannot start a transaction within a
      // transaction").
      await expect(runner.run((tx) => insert(tx, 'stuck-b'))).rejects.toThrow(/roll back/);
    } finally {
      injected.restore();
    }
    // The next group rolls the stuck transaction back first, then runs.
    await expect(runner.run((tx) => insert(tx, 'stuck-c').then(() => 'c'))).resolves.toBe('c');
    await t.http().get('/health').expect(200, { status: 'ok', database: 'up' });
    await t.http().get('/health/ready').expect(200);
    const stored = await storedNames();
    expect(stored).toContain('stuck-c');
    expect(stored).not.toContain('stuck-a');
    expect(stored).not.toContain('stuck-b');
  });

  it('in production, a nested run (waiting on itself) is ended by the watchdog: rolled back, and the runner keeps serving', async () => {
    const production = await createTestApp({
      env: { NODE_ENV: 'production', LOG_LEVEL: 'fatal', SQLITE_TRANSACTION_TIMEOUT_MS: '300' },
    });
    try {
      const sut = production.app.get(TransactionRunner);
      let late: unknown;
      const started = performance.now();
      // The wall clock stands still: the watchdog times the job on the monotonic clock.
      fakeDateOnly();
      const outer = sut.run(async (tx) => {
        await insert(tx, 'nested-outer');
        // A defect: production skips the AsyncLocalStorage check, so this waits on itself.
        await sut.run(() => Promise.resolve('inner'));
        try {
          await tx.query('SELECT 1');
        } catch (error) {
          late = error;
        }
        return 'outer';
      });
      await expect(outer).rejects.toThrow(/longer than/);
      expect(performance.now() - started).toBeLessThan(5000);
      jest.useRealTimers();
      // The runner goes on; the stuck job's late statements are refused, not run in another
      // job's transaction.
      await expect(sut.run(() => Promise.resolve(42))).resolves.toBe(42);
      await eventually(
        () => expect(String(late)).toMatch(/has ended/),
        1000,
        "the stuck job's late statement",
      );
      const names = (await production.dataSource.getRepository(Operator).find()).map((o) => o.name);
      expect(names).not.toContain('nested-outer');
    } finally {
      jest.useRealTimers();
      await production.close();
    }
  }, 15_000);
});
