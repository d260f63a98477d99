// @ts-check
/**
 * `npm test` runs the unit tests, the e2e suite on SQLite, and the same e2e suite again on
 * PostgreSQL when one answers at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 * REQUIRE_POSTGRES=1 (set by .ci/run) turns a missing PostgreSQL into a failure instead of a skip.
 */
const { Client } = require('pg');

const adminUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresReachable() {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

module.exports = async () => {
  const projects = [
    { ...base, displayName: 'unit', roots: ['<rootDir>/src'], testRegex: '\\.spec\\.ts$' },
    {
      ...base,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testRegex: '\\.e2e-spec\\.ts$',
      setupFiles: ['<rootDir>/test/setup/sqlite.ts'],
    },
  ];
  if (await postgresReachable()) {
    projects.push({
      ...base,
      displayName: 'e2e-postgres',
      roots: ['<rootDir>/test'],
      testRegex: '\\.e2e-spec\\.ts$',
      setupFiles: ['<rootDir>/test/setup/postgres.ts'],
    });
  } else if (process.env.REQUIRE_POSTGRES === '1') {
    throw new Error(`REQUIRE_POSTGRES=1 but PostgreSQL does not answer at ${adminUrl}`);
  } else {
    console.warn(`PostgreSQL does not answer at ${adminUrl}: the e2e-postgres run is SKIPPED`);
  }
  return {
    projects,
    testTimeout: 60000,
    // One test file at a time (the e2e suites time concurrency and share one PostgreSQL), in a
    // worker process recycled past 1 GB. Jest loads each file's modules anew, and a native addon
    // (better-sqlite3) keeps every loaded copy reachable: in one process (--runInBand) the heap
    // grew to 2.9 GB over the suite, and its long collections stalled requests holding locks.
    maxWorkers: 1,
    workerIdleMemoryLimit: '1GB',
  };
};
