import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { WebhookSender } from './webhook-sender';

const SECRET = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;

/** What the receiver answers, by path. */
const routes: Record<string, (response: ServerResponse) => void> = {
  '/ok': (response) => response.writeHead(204).end(),
  '/moved': (response) => response.writeHead(302, { location: '/ok' }).end(),
  '/endless-ok': (response) => endless(response, 200),
  '/endless-fail': (response) => endless(response, 500),
  '/silent': (response) => response.once('close', () => silentDropped++),
  '/trickle': (response) => {
    // A status at once, then a byte every 100 ms: never the cap, never the end.
    response.writeHead(200, { 'content-type': 'text/plain' });
    const drip = setInterval(() => response.write('x'), 100);
    response.once('close', () => {
      clearInterval(drip);
      trickleDropped++;
    });
  },
};
let trickleDropped = 0;
/** Silent answers whose connection the sender dropped. */
let silentDropped = 0;

/** Streams an answer that never ends, until the client drops the connection. */
function endless(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'content-type': 'text/plain' });
  const chunk = 'x'.repeat(1024);
  const pump = () => {
    while (!response.destroyed && response.write(chunk));
    if (!response.destroyed) response.once('drain', pump);
  };
  pump();
}

describe('WebhookSender', () => {
  let server: Server;
  let base: string;
  const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
  const sender = new WebhookSender(1000, true);

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ path: request.url ?? '', headers: request.headers, body });
        routes[request.url ?? '']?.(response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => (received.length = 0));
  afterAll(async () => {
    sender.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const webhook = (path: string) => ({
    url: base + path,
    secret: SECRET,
    id: 'msg_1',
    body: '{"a":1}',
  });

  it('POSTs the body signed with the Standard Webhooks scheme', async () => {
    const sentAt = new Date('2026-11-26T10:00:00Z');
    expect(await sender.send(webhook('/ok'), sentAt)).toEqual({
      delivered: true,
      statusCode: 204,
      error: null,
    });
    const [{ headers, body }] = received;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-timestamp']).toBe(String(sentAt.getTime() / 1000));
    const signed = new Webhook(SECRET).sign('msg_1', sentAt, '{"a":1}');
    expect(headers['webhook-signature']).toBe(signed);
    expect(headers['webhook-id']).toBe('msg_1');
    expect(body).toBe('{"a":1}');
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    const result = await sender.send(webhook('/moved'));
    expect(result).toMatchObject({ delivered: false, statusCode: 302 });
    expect(received.map((r) => r.path)).toEqual(['/moved']);
  });

  it('reads no more than the cap of an answer that never ends, delivered or not', async () => {
    expect(await sender.send(webhook('/endless-ok'))).toEqual({
      delivered: true,
      statusCode: 200,
      error: null,
    });
    const failed = await sender.send(webhook('/endless-fail'));
    expect(failed).toMatchObject({ delivered: false, statusCode: 500 });
    // last_error keeps the first 200 characters of what was read.
    expect(failed.error).toBe(`HTTP 500: ${'x'.repeat(200)}`);
  });

  it('gives up on a receiver that does not answer within the timeout, and drops the connection', async () => {
    const dropped = silentDropped;
    const started = Date.now();
    const result = await sender.send(webhook('/silent'));
    expect(result).toEqual({
      delivered: false,
      statusCode: null,
      error: 'no response within 1000 ms',
    });
    expect(Date.now() - started).toBeLessThan(3000);
    // Not left open on the receiver (nor holding one of the sender's connections).
    for (let waited = 0; silentDropped === dropped && waited < 1000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(silentDropped).toBe(dropped + 1);
  });

  it('takes a status that came before the deadline as the answer, and drops a body that does not end', async () => {
    const dropped = trickleDropped;
    expect(await sender.send(webhook('/trickle'))).toEqual({
      delivered: true,
      statusCode: 200,
      error: null,
    });
    for (let waited = 0; trickleDropped === dropped && waited < 1000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(trickleDropped).toBe(dropped + 1);
  });

  it('ends an attempt at its deadline even while it waits for a free connection', async () => {
    // More attempts than connections per receiver: the last ones wait for a socket until the
    // first ones give up, and their deadline runs from when they were handed over, not from then.
    const started = Date.now();
    const attempts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => sender.send({ ...webhook('/silent'), id: `msg_${i}` })),
    );
    expect(attempts).toEqual(
      Array.from({ length: 40 }, () => ({
        delivered: false,
        statusCode: null,
        error: 'no response within 1000 ms',
      })),
    );
    expect(Date.now() - started).toBeLessThan(1900);
  });

  it('refuses a private target at send time unless private targets are allowed', async () => {
    const guarded = new WebhookSender(1000, false);
    try {
      const literal = await guarded.send(webhook('/ok'));
      expect(literal).toMatchObject({ delivered: false, statusCode: null });
      expect(literal.error).toMatch(/loopback/);
      expect(received).toEqual([]);
    } finally {
      guarded.close();
    }
  });
});
