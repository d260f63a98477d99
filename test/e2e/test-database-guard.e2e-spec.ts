import { createTestApp } from '../utils/create-test-app';
import { TestDatabase } from '../utils/test-database';

/**
 * The e2e app factory refuses a PostgreSQL database whose name lacks "test", whatever the run
 * (the app is never started, so the SQLite run checks it too). The URLs point at a closed port: if
 * the guard let one through, the app would fail to connect instead, with another message.
 */
describe('Test database guard (e2e)', () => {
  const closedPort = 'postgres://postgres@127.0.0.1:1';

  it('refuses a handed-in database whose name lacks "test"', async () => {
    const production: TestDatabase = {
      env: { DATABASE_URL: `${closedPort}/crm` },
      drop: () => Promise.resolve(),
    };
    await expect(createTestApp({ database: production })).rejects.toThrow(
      'refusing to run tests on database "crm": its name lacks "test"',
    );
  });

  it("refuses a DATABASE_URL override, and one naming no database (the user's is used)", async () => {
    await expect(
      createTestApp({ env: { DATABASE_URL: `${closedPort}/lds_production` } }),
    ).rejects.toThrow('refusing to run tests on database "lds_production"');
    await expect(createTestApp({ env: { DATABASE_URL: closedPort } })).rejects.toThrow(
      'refusing to run tests on database "postgres"',
    );
  });
});
