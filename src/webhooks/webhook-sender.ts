import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Agent, type Dispatcher } from 'undici';
import { notSent, type OutgoingWebhook, type SendResult } from './send-result';
import { refusedUrl, safeLookup } from './target-address';

/** At most this much of a receiver's response is read (then the connection is dropped). */
export const MAX_RESPONSE_BYTES = 4096;

/** Keep-alive connections per receiver (origin), at most. */
const CONNECTIONS_PER_ORIGIN = 32;

/** A webhook URL as the sender found it: refused (why), or where to send it. */
type Target =
  { refused: string; origin?: undefined } | { origin: string; path: string; refused?: undefined };

/**
 * One signed POST (Standard Webhooks) with a hard deadline. Redirects are not followed (a 3xx
 * is a failed attempt); names are resolved through the SSRF guard, which pins the address it
 * checked for the connection; only the first MAX_RESPONSE_BYTES of the answer are read.
 *
 * HTTP goes through undici's low-level dispatch (callbacks, no streams): per delivery it costs
 * the sending thread a quarter less CPU than node:http's client did in the running service (a
 * third alone), CPU that a two-core machine would otherwise take from the event loop.
 */
export class WebhookSender {
  private readonly agent: Agent;

  constructor(
    private readonly timeoutMs: number,
    private readonly allowPrivate: boolean,
  ) {
    const lookup: LookupFunction | undefined = allowPrivate ? undefined : safeLookup();
    this.agent = new Agent({
      connections: CONNECTIONS_PER_ORIGIN,
      connect: { lookup, timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  }

  /** One signer per secret (decoding the key each time costs more than signing a body). */
  private readonly signers = new Map<string, Webhook>();
  /** Each URL checked and parsed once: a subscription's deliveries all go to the same one. */
  private readonly targets = new Map<string, Target>();

  private signer(secret: string): Webhook {
    let signer = this.signers.get(secret);
    if (!signer) {
      if (this.signers.size >= 1000) this.signers.clear();
      signer = new Webhook(secret);
      this.signers.set(secret, signer);
    }
    return signer;
  }

  private target(url: string): Target {
    let target = this.targets.get(url);
    if (!target) {
      if (this.targets.size >= 1000) this.targets.clear();
      const refused = refusedUrl(url, this.allowPrivate);
      if (refused) {
        target = { refused };
      } else {
        const parsed = new URL(url);
        target = { origin: parsed.origin, path: parsed.pathname + parsed.search };
      }
      this.targets.set(url, target);
    }
    return target;
  }

  close(): void {
    void this.agent.destroy().catch(() => undefined);
  }

  /**
   * One attempt; never throws or rejects. A webhook that cannot be signed (a secret that is not
   * a whsec_ key) or handed to the agent is a failed attempt of its own, not its batch's.
   */
  send(webhook: OutgoingWebhook, now = new Date()): Promise<SendResult> {
    const target = this.target(webhook.url);
    if (target.refused !== undefined) {
      return Promise.resolve({ delivered: false, statusCode: null, error: target.refused });
    }
    let signature: string;
    try {
      signature = this.signer(webhook.secret).sign(webhook.id, now, webhook.body);
    } catch (error) {
      return Promise.resolve(notSent(webhook, 'could not be signed', error));
    }
    return new Promise<SendResult>((resolve) => {
      try {
        this.agent.dispatch(
          {
            origin: target.origin,
            path: target.path,
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'user-agent': 'lead-distribution-service-webhooks',
              'webhook-id': webhook.id,
              'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
              'webhook-signature': signature,
            },
            body: webhook.body,
          },
          new ResponseReader(resolve, this.timeoutMs),
        );
      } catch (error) {
        resolve(notSent(webhook, 'could not be sent', error));
      }
    });
  }
}

/**
 * One attempt's answer, as undici's dispatch handler: settles once, with the status and the
 * first bytes of the body; drops the connection when the body passes the cap, or when the
 * deadline ends the attempt (even if that comes before the request reached a socket; a status
 * received by then still counts).
 */
class ResponseReader implements Dispatcher.DispatchHandler {
  private readonly deadline: NodeJS.Timeout;
  private controller?: Dispatcher.DispatchController;
  private settled = false;
  private statusCode = 0;
  private read = 0;
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly resolve: (result: SendResult) => void,
    timeoutMs: number,
  ) {
    this.deadline = setTimeout(() => {
      const error = new Error(`no response within ${timeoutMs} ms`);
      // A status that came in time is the answer, as when the body passes the cap.
      if (this.statusCode !== 0) this.answered();
      else this.fail(error);
      this.controller?.abort(error);
    }, timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(new Error('the attempt already ended'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.statusCode = statusCode;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.read += chunk.length;
    if (this.chunks.length < 4) this.chunks.push(chunk);
    if (this.read > MAX_RESPONSE_BYTES) {
      this.answered();
      controller.abort(new Error('response body over the cap'));
    }
  }

  onResponseEnd(): void {
    this.answered();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** Ends the attempt without an answer (an error, or the deadline). */
  private fail(error: Error): void {
    if (!this.settle()) return;
    this.resolve({ delivered: false, statusCode: null, error: error.message.slice(0, 500) });
  }

  private answered(): void {
    if (!this.settle()) return;
    const statusCode = this.statusCode;
    const delivered = statusCode >= 200 && statusCode < 300;
    const text = Buffer.concat(this.chunks).toString('utf8').slice(0, 200);
    this.resolve({
      delivered,
      statusCode,
      error: delivered ? null : `HTTP ${statusCode}${text ? `: ${text}` : ''}`,
    });
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.deadline);
    return true;
  }
}
