import { parentPort, workerData } from 'node:worker_threads';
import { type OutgoingWebhook, type SendResult, WebhookSender } from './webhook-sender';

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
}

/**
 * The webhook sender's thread (see WebhookSendThread): signs and sends each batch it is given,
 * with no database, and answers with the outcomes.
 */
if (parentPort) {
  const port = parentPort;
  const { timeoutMs, allowPrivate } = workerData as SendThreadOptions;
  const sender = new WebhookSender(timeoutMs, allowPrivate);
  port.on('message', (message: SendBatchMessage) => {
    void Promise.all(
      message.webhooks.map((webhook) =>
        sender.send(webhook).catch(
          // A webhook that cannot even be signed fails like any attempt (and ends dead).
          (error: unknown): SendResult => ({
            delivered: false,
            statusCode: null,
            error: String(error).slice(0, 500),
          }),
        ),
      ),
    ).then((results) => port.postMessage({ id: message.id, results } satisfies SendBatchResult));
  });
}
