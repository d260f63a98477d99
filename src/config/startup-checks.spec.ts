import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkDatabase,
  checkHost,
  checkPortFree,
  checkSqlitePath,
  databaseFailure,
  describeDatabaseUrl,
  listenError,
} from './startup-checks';

describe('start-up checks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lds-startup-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe(checkSqlitePath.name, () => {
    it('accepts :memory: and a new file in a new folder (which it creates)', () => {
      expect(() => checkSqlitePath(':memory:')).not.toThrow();
      expect(() => checkSqlitePath(join(dir, 'a', 'b', 'crm.sqlite'))).not.toThrow();
    });

    it.each([
      ['/proc/crm.sqlite', /^Invalid configuration: SQLITE_PATH .*under \/proc/],
      ['/proc/self/crm.sqlite', /^Invalid configuration: SQLITE_PATH .*under \/proc/],
      ['/sys/crm.sqlite', /^Invalid configuration: SQLITE_PATH .*under \/sys/],
    ])('refuses %s (a special filesystem) at once', (path, message) => {
      expect(() => checkSqlitePath(path)).toThrow(message);
    });

    it('refuses a path whose folder cannot be created, naming SQLITE_PATH', () => {
      const file = join(dir, 'a-file');
      writeFileSync(file, '');
      expect(() => checkSqlitePath(join(file, 'sub', 'crm.sqlite'))).toThrow(
        /^Invalid configuration: SQLITE_PATH .* cannot be created.*ENOTDIR/,
      );
    });

    it('refuses a folder in place of the file', () => {
      expect(() => checkSqlitePath(dir)).toThrow(/SQLITE_PATH .* is not a file/);
    });

    const asRoot = process.getuid?.() === 0;
    (asRoot ? it.skip : it)('refuses a file it may not write (skipped as root)', () => {
      const readOnly = join(dir, 'read-only.sqlite');
      writeFileSync(readOnly, '', { mode: 0o444 });
      expect(() => checkSqlitePath(readOnly)).toThrow(/SQLITE_PATH .* is not writable/);
    });
  });

  describe(checkHost.name, () => {
    it('resolves localhost and refuses a name that does not resolve', async () => {
      await expect(checkHost('localhost')).resolves.toBeDefined();
      await expect(checkHost('not-a-host.invalid')).rejects.toThrow(
        /^Invalid configuration: HOST "not-a-host.invalid" does not resolve/,
      );
    });
  });

  describe(checkPortFree.name, () => {
    it('refuses a busy port in one line naming PORT', async () => {
      const busy = createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      const { port } = busy.address() as AddressInfo;
      try {
        await expect(checkPortFree(port, '127.0.0.1')).rejects.toThrow(
          `Invalid configuration: PORT ${port} is already in use on 127.0.0.1`,
        );
      } finally {
        await new Promise((resolve) => busy.close(resolve));
      }
      await expect(checkPortFree(port, '127.0.0.1')).resolves.toBeUndefined();
    });

    it('maps a failed listen to the variable at fault', () => {
      const error = (code: string) => Object.assign(new Error(code), { code });
      expect(listenError(error('EADDRINUSE'), 80, '::').message).toMatch(/PORT 80 is already/);
      expect(listenError(error('EADDRNOTAVAIL'), 80, '10.9.9.9').message).toMatch(
        /^Invalid configuration: HOST/,
      );
    });
  });

  describe(checkDatabase.name, () => {
    it('refuses a server that does not answer, in one line naming DATABASE_URL, without the password', async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      await new Promise((resolve) => server.close(resolve));
      await expect(checkDatabase(`postgres://crm:s3cret@127.0.0.1:${port}/crm`, 5000)).rejects.toThrow(
        new Error(
          `Invalid configuration: DATABASE_URL postgres://crm@127.0.0.1:${port}/crm: connection refused (ECONNREFUSED)`,
        ),
      );
    });

    it('names the usual reasons in words', () => {
      expect(databaseFailure(Object.assign(new Error('x'), { code: '3D000' }))).toBe(
        'the database does not exist (3D000)',
      );
      expect(databaseFailure(Object.assign(new Error('x'), { code: '28P01' }))).toBe(
        'password authentication failed (28P01)',
      );
      expect(databaseFailure(new Error('Connection terminated due to connection timeout'))).toBe(
        'no answer in time (timeout)',
      );
      expect(describeDatabaseUrl('postgres://u:p@db.internal/crm?sslmode=require')).toBe(
        'postgres://u@db.internal/crm',
      );
    });
  });
});
