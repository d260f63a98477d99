import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { notSent, type OutgoingWebhook, type SendResult } from './send-result';
import { WebhookSender } from './webhook-sender';

/** A batch to send, and the answer: one result per webhook, in order. */
export interface SendBatchMessage {
  id: number;
  webhooks: OutgoingWebhook[];
}
export interface SendBatchResult {
  id: number;
  results: SendResult[];
}
export interface SendThreadOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** A whole batch is answered within this (default: batchDeadlineMs(timeoutMs)). */
  batchDeadlineMs?: number;
}

/**
 * The webhook sender's thread (see WebhookSendThread): signs and sends each batch it is given,
 * with no database, and answers with the outcomes.
 */
if (parentPort) {
  yieldToIntake();
  const port = parentPort;
  const options = workerData as Required<SendThreadOptions>;
  const sender = new WebhookSender(options.timeoutMs, options.allowPrivate);
  port.on('message', (message: SendBatchMessage) => {
    sendBatch(sender, message.webhooks, options.batchDeadlineMs, (results) =>
      port.postMessage({ id: message.id, results } satisfies SendBatchResult),
    );
  });
}

/**
 * Sends a batch and answers once: when every webhook has settled, or at the batch deadline with
 * what settled by then and the rest as failed attempts (each attempt has its own deadline, so
 * this only ends what something unforeseen holds up).
 */
function sendBatch(
  sender: WebhookSender,
  webhooks: OutgoingWebhook[],
  deadlineMs: number,
  answer: (results: SendResult[]) => void,
): void {
  const results = new Array<SendResult | undefined>(webhooks.length);
  let left = webhooks.length;
  let answered = false;
  const finish = () => {
    if (answered) return;
    answered = true;
    clearTimeout(deadline);
    const late = `not settled within the batch deadline (${deadlineMs} ms)`;
    answer(
      Array.from(
        results,
        (result) => result ?? { delivered: false, statusCode: null, error: late },
      ),
    );
  };
  const deadline = setTimeout(finish, deadlineMs);
  webhooks.forEach((webhook, i) => {
    void attempt(sender, webhook).then((result) => {
      if (answered) return;
      results[i] = result;
      if (--left === 0) finish();
    });
  });
}

/**
 * One webhook's outcome, whatever happens: one that throws (synchronously or not) fails like
 * any attempt, on its own, and ends dead after its attempts; its batch goes on. Thrown here, it
 * would end the thread and fail the whole batch unrecorded.
 */
function attempt(sender: WebhookSender, webhook: OutgoingWebhook): Promise<SendResult> {
  try {
    return sender
      .send(webhook)
      .catch((error: unknown) => notSent(webhook, 'could not be sent', error));
  } catch (error) {
    return Promise.resolve(notSent(webhook, 'could not be sent', error));
  }
}

/**
 * Gives this thread a lower CPU priority than the event loop that takes requests, so that when
 * the CPU is short intake goes first and deliveries catch up after. Only on Linux, where a
 * thread's nice value is its own (elsewhere it would lower the whole process); best effort.
 */
function yieldToIntake(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // Not allowed here: sending at the same priority is still correct.
  }
}
