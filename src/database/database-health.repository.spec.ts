import type { DataSource } from 'typeorm';
import { pingWithin } from './database-health.repository';

const dataSource = (query: () => Promise<unknown>) => ({ query }) as unknown as DataSource;

describe(pingWithin.name, () => {
  it('is true when the database answers', async () => {
    await expect(
      pingWithin(
        dataSource(() => Promise.resolve([{ 1: 1 }])),
        1000,
      ),
    ).resolves.toBe(true);
  });

  it('is false when the query fails or throws at once (a destroyed connection)', async () => {
    await expect(
      pingWithin(
        dataSource(() => Promise.reject(new Error('gone'))),
        1000,
      ),
    ).resolves.toBe(false);
    const throwing = dataSource(() => {
      throw new Error('not initialised');
    });
    await expect(pingWithin(throwing, 1000)).resolves.toBe(false);
  });

  it('is false when the database does not answer in time', async () => {
    const started = Date.now();
    await expect(
      pingWithin(
        dataSource(() => new Promise(() => undefined)),
        50,
      ),
    ).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  describe('on SQLite', () => {
    const sqlite = (get: () => unknown, isInitialized = true) => {
      const prepare = jest.fn(() => ({ get }));
      const query = jest.fn(() => Promise.resolve([]));
      const source = {
        options: { type: 'better-sqlite3' },
        isInitialized,
        driver: { databaseConnection: { prepare } },
        query,
      } as unknown as DataSource;
      return { source, prepare, query };
    };

    it('runs one prepared statement on the driver, prepared once', async () => {
      const { source, prepare, query } = sqlite(() => ({ 1: 1 }));
      await expect(pingWithin(source, 1000)).resolves.toBe(true);
      await expect(pingWithin(source, 1000)).resolves.toBe(true);
      expect(prepare).toHaveBeenCalledTimes(1);
      expect(query).not.toHaveBeenCalled();
    });

    it('is false once the connection is closed or the data source destroyed', async () => {
      const closed = sqlite(() => {
        throw new TypeError('The database connection is not open');
      });
      await expect(pingWithin(closed.source, 1000)).resolves.toBe(false);
      const destroyed = sqlite(() => ({}), false);
      destroyed.query.mockRejectedValue(new Error('not initialised'));
      await expect(pingWithin(destroyed.source, 1000)).resolves.toBe(false);
    });
  });
});
