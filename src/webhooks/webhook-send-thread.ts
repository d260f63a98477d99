import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { OutgoingWebhook, SendResult } from './send-result';
import type { SendBatchMessage, SendBatchResult, SendThreadOptions } from './webhook-send.worker';

interface Pending {
  worker: Worker;
  resolve: (results: SendResult[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Sends webhooks on a thread of their own (worker_threads), so that signing and HTTP, most of
 * a delivery's cost, never take the event loop that serves POST /requests. The dispatcher keeps
 * everything that touches the database (claims, outcomes) on the main thread. The thread starts
 * with the first batch and is replaced if it dies (that batch fails; its claims run out and the
 * deliveries are sent again).
 */
export class WebhookSendThread {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly options: SendThreadOptions) {}

  send(webhooks: OutgoingWebhook[]): Promise<SendResult[]> {
    if (webhooks.length === 0) return Promise.resolve([]);
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<SendResult[]>((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      worker.postMessage({ id, webhooks } satisfies SendBatchMessage);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    // Built: the compiled .js beside this file. Under the tests (ts-jest): the .ts source,
    // compiled on load by ts-node in the thread.
    const typescript = __filename.endsWith('.ts');
    const worker = new Worker(join(__dirname, `webhook-send.worker.${typescript ? 'ts' : 'js'}`), {
      workerData: this.options,
      execArgv: typescript ? ['--require', 'ts-node/register/transpile-only'] : [],
    });
    // Not what keeps the process alive: the app closes it on shutdown.
    worker.unref();
    worker.on('message', (message: SendBatchResult) => {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      pending?.resolve(message.results);
    });
    worker.on('error', (error) => this.failPending(worker, error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failPending(worker, new Error(`the webhook sender thread exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  /** The batches that were on `worker` (a replacement's batches are not its concern). */
  private failPending(worker: Worker, error: unknown): void {
    for (const [id, pending] of this.pending) {
      if (pending.worker !== worker) continue;
      this.pending.delete(id);
      pending.reject(error);
    }
  }
}
