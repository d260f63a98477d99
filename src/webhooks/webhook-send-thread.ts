import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { OutgoingWebhook, SendResult } from './send-result';
import type { SendBatchMessage, SendBatchResult, SendThreadOptions } from './webhook-send.worker';

/**
 * The batch deadline's margin over an attempt's own (WEBHOOK_TIMEOUT_MS). That deadline runs from
 * when a webhook is handed to the sender, so it already bounds every webhook of a batch, queued
 * ones included; the margin is for the thread's own work (signing, messages), milliseconds when
 * it is well. It stays under the dispatcher's LEASE_SAFETY_MS (10 s), so that a batch's outcomes
 * are recorded while its claims still hold.
 */
export const BATCH_DEADLINE_MARGIN_MS = 5_000;

/**
 * How long the thread may take over a whole batch: WEBHOOK_TIMEOUT_MS + 5 s. By then it answers
 * with what settled, the rest counted as failed attempts (see the worker).
 */
export const batchDeadlineMs = (timeoutMs: number): number => timeoutMs + BATCH_DEADLINE_MARGIN_MS;

/**
 * A thread that has not answered this long after a batch's deadline is stuck (its event loop
 * blocked, or its answer lost): its batches count as failed attempts and it is replaced.
 */
export const STUCK_AFTER_DEADLINE_MS = 1_000;

interface Pending {
  worker: Worker;
  webhooks: number;
  deadline: NodeJS.Timeout;
  resolve: (results: SendResult[]) => void;
  reject: (error: unknown) => void;
}

const WORKER_FILE = join(
  __dirname,
  // Built: the compiled .js beside this file. Under the tests (ts-jest): the .ts source,
  // compiled on load by ts-node in the thread.
  `webhook-send.worker.${__filename.endsWith('.ts') ? 'ts' : 'js'}`,
);

/**
 * Sends webhooks on a thread of their own (worker_threads), so that signing and HTTP, most of
 * a delivery's cost, never take the event loop that serves POST /requests. The dispatcher keeps
 * everything that touches the database (claims, outcomes) on the main thread. The thread starts
 * with the first batch and is replaced if it dies (that batch fails; its claims run out and the
 * deliveries are sent again). Every batch settles by its deadline (batchDeadlineMs): the thread
 * answers by then, and one that does not is taken for stuck, its batches answered here as failed
 * attempts, and replaced, so a dispatcher's pass never waits on it for longer.
 */
export class WebhookSendThread {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly options: Required<SendThreadOptions>;

  /** `workerFile`: the thread's code (tests give a stand-in). */
  constructor(
    options: SendThreadOptions,
    private readonly workerFile = WORKER_FILE,
  ) {
    this.options = {
      ...options,
      batchDeadlineMs: options.batchDeadlineMs ?? batchDeadlineMs(options.timeoutMs),
    };
  }

  send(webhooks: OutgoingWebhook[]): Promise<SendResult[]> {
    if (webhooks.length === 0) return Promise.resolve([]);
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<SendResult[]>((resolve, reject) => {
      const deadline = setTimeout(
        () => this.abandon(worker),
        this.options.batchDeadlineMs + STUCK_AFTER_DEADLINE_MS,
      );
      this.pending.set(id, { worker, webhooks: webhooks.length, deadline, resolve, reject });
      worker.postMessage({ id, webhooks } satisfies SendBatchMessage);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(this.workerFile, {
      workerData: this.options,
      execArgv: this.workerFile.endsWith('.ts')
        ? ['--require', 'ts-node/register/transpile-only']
        : [],
    });
    // Not what keeps the process alive: the app closes it on shutdown.
    worker.unref();
    worker.on('message', (message: SendBatchResult) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      clearTimeout(pending.deadline);
      pending.resolve(message.results);
    });
    worker.on('error', (error) => this.failPending(worker, error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failPending(worker, new Error(`the webhook sender thread exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  /**
   * A batch on `worker` is past its deadline with no answer: the thread is stuck. Each of its
   * batches counts as failed attempts now (not left to their claims running out), and the next
   * batch goes to a new thread.
   */
  private abandon(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    const error = `the sending thread did not answer within the batch deadline (${this.options.batchDeadlineMs} ms)`;
    for (const [id, pending] of this.pending) {
      if (pending.worker !== worker) continue;
      this.pending.delete(id);
      clearTimeout(pending.deadline);
      pending.resolve(
        Array.from({ length: pending.webhooks }, () => ({
          delivered: false,
          statusCode: null,
          error,
        })),
      );
    }
    void worker.terminate();
  }

  /** The batches that were on `worker` (a replacement's batches are not its concern). */
  private failPending(worker: Worker, error: unknown): void {
    for (const [id, pending] of this.pending) {
      if (pending.worker !== worker) continue;
      this.pending.delete(id);
      clearTimeout(pending.deadline);
      pending.reject(error);
    }
  }
}
