/**
 * What the dispatcher hands the sending thread and what it answers, one result per webhook. Kept
 * apart from the sender so that the main thread does not load the HTTP client.
 */
export interface OutgoingWebhook {
  url: string;
  secret: string;
  /** The event id: webhook-id, the same on every attempt. */
  id: string;
  body: string;
}

export interface SendResult {
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
}

/**
 * A failed attempt that never reached the receiver, with why (`what` and the error's message,
 * the secret never in it: last_error is shown by the API).
 */
export function notSent(webhook: OutgoingWebhook, what: string, error: unknown): SendResult {
  let message = error instanceof Error ? error.message : String(error);
  if (webhook.secret) message = message.split(webhook.secret).join('[secret]');
  return {
    delivered: false,
    statusCode: null,
    error: `the webhook ${what}: ${message}`.slice(0, 500),
  };
}
