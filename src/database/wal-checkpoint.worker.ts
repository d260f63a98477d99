import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface WalCheckpointOptions {
  file: string;
  intervalMs: number;
}

/**
 * The SQLite checkpointer's thread (see WalCheckpointer): its own connection to the database
 * file, copying committed WAL pages back into the file every `intervalMs`. PASSIVE never waits
 * for the writer or a reader, and never blocks them: what it cannot copy yet it copies next time.
 */
if (parentPort) {
  const port = parentPort;
  const { file, intervalMs } = workerData as WalCheckpointOptions;
  const db = new Database(file, { fileMustExist: true });
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const timer = setInterval(() => {
    try {
      checkpoint.get();
    } catch {
      // Busy (another checkpoint runs) or the file is going away: the next turn tries again.
    }
  }, intervalMs);
  port.on('message', (message: 'stop') => {
    if (message !== 'stop') return;
    clearInterval(timer);
    db.close();
    port.close();
  });
}
