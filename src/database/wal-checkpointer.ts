import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import type { WalCheckpointOptions } from './wal-checkpoint.worker';

/** How often the checkpointer copies the WAL back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 200;
/**
 * The writer's own automatic checkpoint while the thread runs: only a fallback, should the
 * thread fall far behind (SQLite's default is 1000 pages).
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

/**
 * SQLite: checkpoints the WAL on a thread of its own. By default the connection that commits
 * also checkpoints (every 1000 WAL pages: copying them into the file, with two fsyncs), and on
 * the writer that is the event loop serving POST /requests; it was about a tenth of the
 * intake's CPU, and more with webhooks (each delivery row is more pages to copy). Readers and
 * the writer go on during a checkpoint (WAL mode); the writer's automatic checkpoint stays as a
 * fallback at FALLBACK_AUTOCHECKPOINT_PAGES, and is restored when the thread stops or dies.
 */
export class WalCheckpointer {
  private readonly logger = new Logger(WalCheckpointer.name);
  private worker?: Worker;

  constructor(
    private readonly writer: Database,
    private readonly file: string,
  ) {}

  start(): void {
    // Built: the compiled .js beside this file. Under the tests (ts-jest): the .ts source,
    // compiled on load by ts-node in the thread.
    const typescript = __filename.endsWith('.ts');
    const worker = new Worker(
      join(__dirname, `wal-checkpoint.worker.${typescript ? 'ts' : 'js'}`),
      {
        workerData: {
          file: this.file,
          intervalMs: CHECKPOINT_INTERVAL_MS,
        } satisfies WalCheckpointOptions,
        execArgv: typescript ? ['--require', 'ts-node/register/transpile-only'] : [],
      },
    );
    worker.unref();
    worker.on('error', (error) =>
      this.logger.warn(`WAL checkpoint thread failed: ${error.message}`),
    );
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.restoreAutocheckpoint();
    });
    this.worker = worker;
    this.writer.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  }

  /** Stops the thread (its connection closed) before the writer closes. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await worker.terminate();
    this.restoreAutocheckpoint();
  }

  private restoreAutocheckpoint(): void {
    if (this.writer.open)
      this.writer.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  }
}
