import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { STUCK_AFTER_DEADLINE_MS, WebhookSendThread } from './webhook-send-thread';

const SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;

describe('WebhookSendThread', () => {
  let server: Server;
  let url: string;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  let hold = false;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        // /never: no answer, ever (the batch deadline's tests).
        if (!hold && request.url !== '/never') {
          response.writeHead(request.url === '/fail' ? 500 : 204).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends a batch on its own thread, signed, and answers one outcome per webhook in order', async () => {
    const thread = new WebhookSendThread({ timeoutMs: 5000, allowPrivate: true });
    try {
      const results = await thread.send([
        { url: `${url}/ok`, secret: SECRET, id: 'evt_1', body: '{"n":1}' },
        { url: `${url}/fail`, secret: SECRET, id: 'evt_2', body: '{"n":2}' },
        { url: 'ftp://example.com/', secret: SECRET, id: 'evt_3', body: '{"n":3}' },
      ]);
      expect(results.map((r) => [r.delivered, r.statusCode])).toEqual([
        [true, 204],
        [false, 500],
        [false, null],
      ]);
      const first = received.find((r) => r.headers['webhook-id'] === 'evt_1')!;
      const verified = new Webhook(SECRET).verify(first.body, {
        'webhook-id': String(first.headers['webhook-id']),
        'webhook-timestamp': String(first.headers['webhook-timestamp']),
        'webhook-signature': String(first.headers['webhook-signature']),
      });
      expect(verified).toEqual({ n: 1 });
    } finally {
      await thread.close();
    }
  });

  it('fails a webhook that cannot be signed on its own: its batch neighbours are sent', async () => {
    const thread = new WebhookSendThread({ timeoutMs: 5000, allowPrivate: true });
    try {
      const results = await thread.send([
        { url: `${url}/ok`, secret: SECRET, id: 'evt_p1', body: '{}' },
        { url: `${url}/ok`, secret: 'whsec_not base64!', id: 'evt_p2', body: '{}' },
        { url: `${url}/ok`, secret: '', id: 'evt_p3', body: '{}' },
        { url: `${url}/ok`, secret: SECRET, id: 'evt_p4', body: '{}' },
      ]);
      expect(results).toEqual([
        { delivered: true, statusCode: 204, error: null },
        { delivered: false, statusCode: null, error: expect.stringMatching(/could not be signed/) },
        { delivered: false, statusCode: null, error: expect.stringMatching(/could not be signed/) },
        { delivered: true, statusCode: 204, error: null },
      ]);
      expect(results[1].error).not.toContain('not base64');
      const ids = received.map((r) => r.headers['webhook-id']);
      expect(ids).not.toContain('evt_p2');
      expect(ids).not.toContain('evt_p3');
    } finally {
      await thread.close();
    }
  });

  it('fails the pending batch when its thread ends, and starts a new thread for the next one', async () => {
    const thread = new WebhookSendThread({ timeoutMs: 5000, allowPrivate: true });
    try {
      hold = true; // the receiver never answers: the batch is still in flight
      const pending = thread.send([
        { url: `${url}/hold`, secret: SECRET, id: 'evt_4', body: '{}' },
      ]);
      while (!received.some((r) => r.headers['webhook-id'] === 'evt_4')) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await thread.close();
      await expect(pending).rejects.toThrow(/thread exited/);
      hold = false;
      server.closeAllConnections();
      const again = await thread.send([
        { url: `${url}/ok`, secret: SECRET, id: 'evt_5', body: '{}' },
      ]);
      expect(again[0].delivered).toBe(true);
    } finally {
      hold = false;
      await thread.close();
    }
  });

  /** `promise`, or a failure after `ms`: the deadline tests fail instead of hanging. */
  const within = <T>(promise: Promise<T>, ms: number) =>
    Promise.race([
      promise,
      new Promise<never>((_resolve, reject) =>
        setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms).unref(),
      ),
    ]);

  it('answers a batch by its deadline: what settled keeps its outcome, the rest are failed attempts', async () => {
    // Each attempt may take 60 s; the batch, 2 s: long enough for the quick receiver to answer
    // on a loaded machine, far shorter than the hanging one.
    const thread = new WebhookSendThread({
      timeoutMs: 60_000,
      allowPrivate: true,
      batchDeadlineMs: 2000,
    });
    try {
      // Started (the thread's start-up, ts-node compiling it here, is not what is measured).
      await thread.send([{ url: `${url}/ok`, secret: SECRET, id: 'evt_d0', body: '{}' }]);
      // Answered well before the 60 s attempt timeout (within() fails after 20 s): the deadline
      // answered, not the hanging attempt. No tighter bound: a loaded CI machine varies.
      const results = await within(
        thread.send([
          { url: `${url}/ok`, secret: SECRET, id: 'evt_d1', body: '{}' },
          { url: `${url}/never`, secret: SECRET, id: 'evt_d2', body: '{}' },
        ]),
        20_000,
      );
      expect(results).toEqual([
        { delivered: true, statusCode: 204, error: null },
        {
          delivered: false,
          statusCode: null,
          error: 'not settled within the batch deadline (2000 ms)',
        },
      ]);
      // The thread goes on with the next batch.
      expect(
        (await thread.send([{ url: `${url}/ok`, secret: SECRET, id: 'evt_d3', body: '{}' }]))[0]
          .delivered,
      ).toBe(true);
    } finally {
      await thread.close();
    }
  });

  it('replaces a thread that does not answer by the deadline; its batch counts as failed attempts', async () => {
    // A stand-in thread whose event loop never comes back from a batch with a webhook "stuck".
    const dir = mkdtempSync(join(tmpdir(), 'send-thread-'));
    const file = join(dir, 'stuck.worker.js');
    writeFileSync(
      file,
      `const { parentPort } = require('node:worker_threads');
      parentPort.on('message', ({ id, webhooks }) => {
        if (webhooks.some((w) => w.id === 'stuck')) for (;;);
        parentPort.postMessage({ id, results: webhooks.map(() => ({ delivered: true, statusCode: 200, error: null })) });
      });`,
    );
    const thread = new WebhookSendThread(
      { timeoutMs: 100, allowPrivate: true, batchDeadlineMs: 200 },
      file,
    );
    try {
      const webhook = { url: `${url}/ok`, secret: SECRET, body: '{}' };
      const stuck = await within(
        thread.send([
          { ...webhook, id: 'stuck' },
          { ...webhook, id: 'evt_s2' },
        ]),
        200 + STUCK_AFTER_DEADLINE_MS + 2000,
      );
      expect(stuck).toEqual(
        Array(2).fill({
          delivered: false,
          statusCode: null,
          error: 'the sending thread did not answer within the batch deadline (200 ms)',
        }),
      );
      // The next batch goes to a new thread (the stuck one would never answer it).
      const next = await within(thread.send([{ ...webhook, id: 'evt_s3' }]), 2000);
      expect(next[0].delivered).toBe(true);
    } finally {
      await thread.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  (process.platform === 'linux' ? it : it.skip)(
    'runs below the CPU priority of the event loop (Linux: a nice value of its own)',
    async () => {
      const niceOfThreads = () =>
        new Map(
          readdirSync('/proc/self/task').map((tid) => {
            const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
            // Field 19 (nice), counted after the command name's closing parenthesis.
            return [tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
          }),
        );
      const before = niceOfThreads();
      const thread = new WebhookSendThread({ timeoutMs: 5000, allowPrivate: true });
      try {
        await thread.send([{ url: `${url}/ok`, secret: SECRET, id: 'evt_6', body: '{}' }]);
        const started = [...niceOfThreads()].filter(([tid]) => !before.has(tid));
        expect(started.map(([, nice]) => nice)).toContain(10);
        expect(niceOfThreads().get(String(process.pid))).toBe(before.get(String(process.pid)));
      } finally {
        await thread.close();
      }
    },
  );
});
