import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FALLBACK_AUTOCHECKPOINT_PAGES, WalCheckpointer } from './wal-checkpointer';

describe('WalCheckpointer', () => {
  let dir: string;
  let writer: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lds-checkpoint-'));
    writer = new Database(join(dir, 'db.sqlite'));
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE t (x BLOB)');
  });

  afterEach(() => {
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed WAL pages into the database file on its own thread', async () => {
    const file = join(dir, 'db.sqlite');
    const checkpointer = new WalCheckpointer(writer, file);
    checkpointer.start();
    try {
      // The writer's own checkpoint is only a fallback now: about 600 pages stay under it.
      expect(writer.pragma('wal_autocheckpoint', { simple: true })).toBe(
        FALLBACK_AUTOCHECKPOINT_PAGES,
      );
      expect(statSync(file).size).toBeLessThan(100_000);
      const insert = writer.prepare('INSERT INTO t (x) VALUES (?)');
      for (let i = 0; i < 20; i++) {
        writer.transaction(() => {
          for (let j = 0; j < 30; j++) insert.run(Buffer.alloc(4000, i));
        })();
      }
      // Only a checkpoint grows the file: the rows are in the WAL until one copies them.
      const deadline = Date.now() + 10_000;
      while (statSync(file).size < 2_000_000 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(statSync(file).size).toBeGreaterThanOrEqual(2_000_000);
    } finally {
      await checkpointer.stop();
    }
    // Stopped: the writer checkpoints for itself again, as SQLite does by default.
    expect(writer.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });
});
