import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { lockSqliteFile, sqliteLockFile } from './sqlite-lock';

/** Another process holding `file`'s lock as the service does, until it is killed. */
async function otherProcessHolding(file: string): Promise<ChildProcess> {
  const script = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Database(${JSON.stringify(file)}, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    try {
      db.exec('BEGIN EXCLUSIVE');
    } catch {
      process.exit(3);
    }
    console.log('locked');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the holder exited (${code})`)));
  });
  return child;
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describe(lockSqliteFile.name, () => {
  let dir: string;
  let sqlitePath: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lds-lock-'));
    sqlitePath = join(dir, 'crm.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a file another process holds, in one line naming SQLITE_PATH; its death (SIGKILL) frees it', async () => {
    const holder = await otherProcessHolding(sqliteLockFile(sqlitePath));
    try {
      expect(() => lockSqliteFile(sqlitePath)).toThrow(
        /^Invalid configuration: SQLITE_PATH ".*crm\.sqlite" is in use by another process[^\n]*$/,
      );
    } finally {
      await killed(holder);
    }
    const release = lockSqliteFile(sqlitePath);
    release();
  });

  it('is held by this process until its last holder releases it', async () => {
    const first = lockSqliteFile(sqlitePath);
    const second = lockSqliteFile(sqlitePath); // a second app of the same process
    first();
    first(); // a release counts once
    await expect(otherProcessHolding(sqliteLockFile(sqlitePath))).rejects.toThrow(/exited/);
    second();
    await killed(await otherProcessHolding(sqliteLockFile(sqlitePath)));
  });

  it('is one lock for every spelling of the file', () => {
    mkdirSync(join(dir, 'data'));
    const absolute = join(dir, 'data', 'crm.sqlite');
    const spelled = relative(process.cwd(), join(dir, 'data', '..', 'data', 'crm.sqlite'));
    expect(sqliteLockFile(spelled)).toBe(sqliteLockFile(absolute));
    expect(sqliteLockFile(absolute)).toMatch(/crm\.sqlite\.lock$/);
  });

  it('takes nothing for :memory: (a throwaway file of this process)', () => {
    const release = lockSqliteFile(':memory:');
    release();
  });
});
