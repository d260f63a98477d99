import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { e2eOnPostgres } from '../utils/test-database';

const INTAKE_SQL = join(__dirname, '..', '..', 'scripts', 'bench-postgres', 'intake.sql');

/** intake.sql's statements: what is left without comments and pgbench meta-commands. */
function scriptStatements(): string[] {
  const body = readFileSync(INTAKE_SQL, 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('--') && !line.startsWith('\\'))
    .join('\n');
  return body
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * One shape for both texts: every value a placeholder. The service's are $n; the script's are
 * pgbench variables, and now() (pgbench has no timestamp variables), the message 'bench' and NULL
 * for a null value (pgbench variables cannot be null; NULL is a placeholder on both sides).
 */
function shape(sql: string): string {
  return sql
    .replace(/\$\d+|:[a-z_]+/g, '?')
    .replace(/now\(\)(?: \+ interval '[^']*')?/g, '?')
    .replace(/'bench'/g, '?')
    .replace(/\bNULL\b/g, '?')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),=<>|+-])\s*/g, '$1')
    .trim();
}

/**
 * `npm run bench:postgres` compares the service with pgbench running the intake's own statements
 * (scripts/bench-postgres/intake.sql). The comparison means something only while the script holds
 * what the service sends: this fails as soon as the intake's SQL changes and the script does not.
 */
(e2eOnPostgres ? describe : describe.skip)('The pgbench mirror of the intake (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('holds the statements an assigned intake sends, as the bench seeds it', async () => {
    // The bench's seed: operators with room, weighted 1..n on the source; no webhook.
    const operators = [];
    for (let i = 1; i <= 3; i++) operators.push(await given(t).operator({ max_load: 100000 }));
    const source = await given(t).source();
    await given(t).weights(
      source.id,
      operators.map((o, k) => ({ operator_id: o.id, weight: k + 1 })),
    );

    const sent: string[] = [];
    // pg's query() has many overloads: call through with whatever the pool passed.
    const original = Client.prototype.query as (...args: unknown[]) => unknown;
    const query = jest.spyOn(Client.prototype, 'query').mockImplementation(function (
      this: Client,
      ...args: unknown[]
    ) {
      const [first] = args;
      const text = typeof first === 'string' ? first : (first as { text?: string })?.text;
      if (text) sent.push(text);
      return original.apply(this, args);
    });
    try {
      const created = await given(t).request(source.id, { message: 'bench' });
      expect(created.operator_id).not.toBeNull();
    } finally {
      query.mockRestore();
    }

    const intake = sent.filter(
      (sql) =>
        /FROM sources s LEFT JOIN operator_source_weights/.test(sql) || /^WITH lead AS/.test(sql),
    );
    expect(intake).toHaveLength(2);
    expect(scriptStatements().map(shape)).toEqual(intake.map(shape));
  });
});
