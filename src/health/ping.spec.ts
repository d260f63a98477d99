import type { DataSource } from 'typeorm';
import { pingWithin } from './health.controller';

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
});
