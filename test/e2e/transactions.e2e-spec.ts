import { existsSync } from 'node:fs';
import { QueryFailedError } from 'typeorm';
import { NestedTransactionError, TransactionRunner } from '../../src/database/transaction-runner';
import { Operator } from '../../src/operators/entities/operator.entity';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { e2eOnPostgres } from '../utils/test-database';

/**
 * The transaction owner's promises (issue: composable transactions and committed reads):
 * a nested transaction is refused, reads never see uncommitted work, nothing writes outside a
 * transaction, and after-commit effects run once, after the commit.
 */
describe('Transactions (e2e)', () => {
  let t: TestApp;
  let runner: TransactionRunner;

  beforeAll(async () => {
    t = await createTestApp({ env: { DRAIN_INTERVAL_MS: '0' } });
    runner = t.app.get(TransactionRunner);
  });
  afterAll(() => t.close());

  const insertOperator = (name: string) =>
    runner.run((tx) =>
      tx.manager.insert(Operator, {
        name,
        isActive: true,
        maxLoad: 1,
        currentLoad: 0,
        createdAt: new Date(),
      }),
    );

  it('refuses a transaction opened inside another one, instead of hanging or splitting', async () => {
    let inner: unknown;
    await runner.run(async () => {
      inner = await runner.run(() => Promise.resolve('inner')).catch((error: unknown) => error);
    });
    expect(inner).toBeInstanceOf(NestedTransactionError);
    // The runner is still usable afterwards (nothing was left waiting on itself).
    await expect(runner.run(() => Promise.resolve(42))).resolves.toBe(42);
  });

  it('a read over HTTP during a paused write sees nothing of it, before or after its rollback', async () => {
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => (written = resolve));
    const rolledBack = runner
      .run(async (tx) => {
        await tx.manager.insert(Operator, {
          name: 'uncommitted',
          isActive: true,
          maxLoad: 1,
          currentLoad: 0,
          createdAt: new Date(),
        });
        written();
        await paused; // between two statements of the transaction
        throw new Error('roll back');
      })
      .catch((error: Error) => error.message);

    await wrote;
    const during = await t.http().get('/operators?limit=1000').expect(200);
    expect(during.body.map((o: { name: string }) => o.name)).not.toContain('uncommitted');
    resume();
    expect(await rolledBack).toBe('roll back');
    const after = await t.http().get('/operators?limit=1000').expect(200);
    expect(after.body.map((o: { name: string }) => o.name)).not.toContain('uncommitted');
  });

  it('a committed write is visible to reads at once', async () => {
    await insertOperator('committed');
    const list = await t.http().get('/operators?limit=1000').expect(200);
    expect(list.body.map((o: { name: string }) => o.name)).toContain('committed');
  });

  it('nothing can write outside a transaction: the shared connection is read-only', async () => {
    const write = t.dataSource
      .createQueryBuilder()
      .insert()
      .into(Operator)
      .values({ name: 'sneaky', isActive: true, maxLoad: 1, currentLoad: 0, createdAt: new Date() })
      .execute();
    await expect(write).rejects.toThrow(/read-?only/i);
    const list = await t.http().get('/operators?limit=1000').expect(200);
    expect(list.body.map((o: { name: string }) => o.name)).not.toContain('sneaky');
  });

  it('after-commit effects run once after the commit, and never for a rolled-back attempt', async () => {
    const effects: string[] = [];
    await runner.run((tx) => {
      tx.afterCommit(() => effects.push('committed'));
      expect(effects).toEqual([]);
      return Promise.resolve();
    });
    expect(effects).toEqual(['committed']);

    await expect(
      runner.run((tx) => {
        tx.afterCommit(() => effects.push('rolled back'));
        return Promise.reject(new Error('no'));
      }),
    ).rejects.toThrow('no');
    expect(effects).toEqual(['committed']);
  });

  it('transactions queued together stay all or nothing each: a failing one takes no neighbour with it', async () => {
    const names = ['group-a', 'group-b', 'group-c', 'group-d'];
    const effects: string[] = [];
    // Queued in one turn: on SQLite they share one COMMIT (group commit), each in a savepoint.
    const outcomes = await Promise.allSettled(
      names.map((name, i) =>
        runner.run(async (tx) => {
          await tx.manager.insert(Operator, {
            name,
            isActive: true,
            maxLoad: 1,
            currentLoad: 0,
            createdAt: new Date(),
          });
          tx.afterCommit(() => effects.push(name));
          if (i === 1) throw new Error(`${name} fails after its write`);
          // Answered only once committed: a read on the committed-read connection sees it.
          return name;
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    // (In order on SQLite; PostgreSQL runs them side by side.)
    expect([...effects].sort()).toEqual(['group-a', 'group-c', 'group-d']);
    const list = await t.http().get('/operators?limit=1000').expect(200);
    const stored = list.body.map((o: { name: string }) => o.name);
    expect(stored).toEqual(expect.arrayContaining(['group-a', 'group-c', 'group-d']));
    expect(stored).not.toContain('group-b');
  });

  it('a transaction is answered only after its commit: the committed-read connection sees it then', async () => {
    const seen = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        insertOperator(`visible-${i}`).then(() =>
          t.dataSource.getRepository(Operator).countBy({ name: `visible-${i}` }),
        ),
      ),
    );
    expect(seen).toEqual(Array(8).fill(1));
  });

  (e2eOnPostgres ? it : it.skip)(
    'a retried PostgreSQL transaction runs its effects once, from the attempt that committed',
    async () => {
      const effects: number[] = [];
      let attempts = 0;
      await runner.run(async (tx) => {
        attempts++;
        tx.afterCommit(() => effects.push(attempts));
        await tx.query('SELECT 1');
        if (attempts < 3) {
          // What PostgreSQL raises on a serialization failure: the runner retries.
          const driverError = Object.assign(new Error('could not serialize access'), {
            code: '40001',
          });
          throw new QueryFailedError('SELECT 1', [], driverError);
        }
      });
      expect(attempts).toBe(3);
      expect(effects).toEqual([3]);
    },
  );

  it('an intake key is scoped on the validated body: a string or foreign source_id writes nothing', async () => {
    const ADMIN = 'admin-key-0123456789abcdef';
    const secured = await createTestApp({ env: { ADMIN_API_KEYS: ADMIN } });
    try {
      const auth = { 'X-API-Key': ADMIN };
      const mine = await secured.http().post('/sources').set(auth).send({ name: 'Mine' });
      const theirs = await secured.http().post('/sources').set(auth).send({ name: 'Theirs' });
      const key = await secured.http().post(`/sources/${mine.body.id}/keys`).set(auth).expect(201);
      const intake = { Authorization: `Bearer ${key.body.key}` };
      const post = (body: Record<string, unknown>) =>
        secured
          .http()
          .post('/requests')
          .set(intake)
          .send({ lead_external_id: 'x', ...body });

      await post({ source_id: String(theirs.body.id) }).expect(400);
      await post({ source_id: theirs.body.id }).expect(403);
      // Validation runs first: a broken body is a 400 whatever its source.
      await post({ source_id: theirs.body.id, lead_external_id: '' }).expect(400);
      const listed = await secured.http().get('/requests').set(auth).expect(200);
      expect(listed.body).toEqual([]);
      await post({ source_id: mine.body.id }).expect(201);
    } finally {
      await secured.close();
    }
  });

  (e2eOnPostgres ? it.skip : it)(
    'SQLITE_PATH=:memory: is a throwaway database that reads and writes see alike',
    async () => {
      const memory = await createTestApp({ env: { SQLITE_PATH: ':memory:' } });
      let file: string;
      try {
        file = memory.dataSource.options.database as string;
        expect(file).not.toBe(':memory:');
        await memory.http().post('/operators').send({ name: 'Ephemeral' }).expect(201);
        const list = await memory.http().get('/operators').expect(200);
        expect(list.body.map((o: { name: string }) => o.name)).toEqual(['Ephemeral']);
      } finally {
        await memory.close();
      }
      expect(existsSync(file)).toBe(false);
    },
  );

  (e2eOnPostgres ? it.skip : it)(
    'SQLite: a commit is durable by default (synchronous FULL); SQLITE_SYNCHRONOUS=normal trades that away',
    async () => {
      // PRAGMA synchronous on the writer: 2 = FULL (the WAL is synced at every commit, so a 201
      // survives a power loss), 1 = NORMAL (synced at checkpoints only).
      const synchronous = (app: TestApp) =>
        app.app
          .get(TransactionRunner)
          .run((tx) => tx.query<{ synchronous: number }>('PRAGMA synchronous'))
          .then(([row]) => Number(row.synchronous));
      expect(await synchronous(t)).toBe(2);
      const normal = await createTestApp({ env: { SQLITE_SYNCHRONOUS: 'normal' } });
      try {
        expect(await synchronous(normal)).toBe(1);
      } finally {
        await normal.close();
      }
    },
  );

  (e2eOnPostgres ? it.skip : it)(
    "SQLite: a group commit's savepoint journals are kept in memory, not in a temporary file",
    async () => {
      // temp_store 2 = MEMORY: the original of each page a savepoint changes is copied in memory
      // (in a file, that was a file created per group and a write call per page).
      const [row] = await runner.run((tx) => tx.query<{ temp_store: number }>('PRAGMA temp_store'));
      expect(Number(row.temp_store)).toBe(2);
    },
  );
});
