import { AppConfig } from '../config/app-config';
import { databaseOptions, readerOptions } from './database-options';

describe('PostgreSQL connection options', () => {
  const config = AppConfig.fromEnv({
    DATABASE_URL: 'postgres://crm@127.0.0.1:5432/crm',
    DATABASE_CONNECT_TIMEOUT_MS: '1234',
    DATABASE_STATEMENT_TIMEOUT_MS: '4321',
  });

  it.each([
    ['writer', databaseOptions],
    ['reader', readerOptions],
  ])('the %s pool waits DATABASE_CONNECT_TIMEOUT_MS for a connection', (_, options) => {
    expect(options(config)).toMatchObject({
      type: 'postgres',
      extra: { connectionTimeoutMillis: 1234, statement_timeout: 4321 },
    });
  });

  it('the reader opens read-only sessions', () => {
    expect(readerOptions(config)).toMatchObject({
      extra: { options: '-c default_transaction_read_only=on' },
    });
  });
});
