import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { refusedUrl, safeLookup } from './target-address';

/** At most this much of a receiver's response is read (then the connection is dropped). */
export const MAX_RESPONSE_BYTES = 4096;

export interface SendResult {
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
}

export interface OutgoingWebhook {
  url: string;
  secret: string;
  /** The event id: webhook-id, the same on every attempt. */
  id: string;
  body: string;
}

/** A webhook URL as the sender found it: refused (why), or parsed for sending. */
type Target = { refused: string; url?: undefined } | { url: URL; refused?: undefined };

/**
 * One signed POST (Standard Webhooks) with a hard deadline. Redirects are not followed (a 3xx
 * is a failed attempt); names are resolved through the SSRF guard, which pins the address it
 * checked for the connection; only the first MAX_RESPONSE_BYTES of the answer are read.
 */
export class WebhookSender {
  private readonly lookup?: LookupFunction;
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;

  constructor(
    private readonly timeoutMs: number,
    private readonly allowPrivate: boolean,
  ) {
    this.lookup = allowPrivate ? undefined : safeLookup();
    const options = { keepAlive: true, maxSockets: 32, lookup: this.lookup };
    this.httpAgent = new HttpAgent(options);
    this.httpsAgent = new HttpsAgent(options);
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
      target = refused ? { refused } : { url: new URL(url) };
      this.targets.set(url, target);
    }
    return target;
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  send(webhook: OutgoingWebhook, now = new Date()): Promise<SendResult> {
    const target = this.target(webhook.url);
    if (!target.url) {
      return Promise.resolve({ delivered: false, statusCode: null, error: target.refused });
    }
    const url = target.url;
    const signature = this.signer(webhook.secret).sign(webhook.id, now, webhook.body);
    const https = url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;

    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(result);
      };
      const request = send(url, {
        method: 'POST',
        agent: https ? this.httpsAgent : this.httpAgent,
        lookup: this.lookup,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(webhook.body),
          'user-agent': 'lead-distribution-service-webhooks',
          'webhook-id': webhook.id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signature,
        },
      });
      const deadline = setTimeout(() => {
        request.destroy(new Error(`no response within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      request.on('error', (error) =>
        finish({ delivered: false, statusCode: null, error: error.message.slice(0, 500) }),
      );
      request.on('response', (response: IncomingMessage) => {
        const statusCode = response.statusCode ?? 0;
        const delivered = statusCode >= 200 && statusCode < 300;
        let read = 0;
        const chunks: Buffer[] = [];
        const done = () => {
          const text = Buffer.concat(chunks).toString('utf8').slice(0, 200);
          finish({
            delivered,
            statusCode,
            error: delivered ? null : `HTTP ${statusCode}${text ? `: ${text}` : ''}`,
          });
        };
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (chunks.length < 4) chunks.push(chunk);
          if (read > MAX_RESPONSE_BYTES) {
            done();
            response.destroy();
          }
        });
        response.on('end', done);
        response.on('error', done);
        response.on('close', done);
      });
      request.end(webhook.body);
    });
  }
}
