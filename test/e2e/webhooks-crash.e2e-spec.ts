import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eOnPostgres } from '../utils/test-database';
import { eventually, Receiver, startReceiver } from '../utils/webhook-receiver';

type Body = Record<string, any>;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The service as its own process (the sources through ts-node, no build needed), so that it can
 * be killed with SIGKILL: nothing in it gets to run on the way down.
 */
async function startService(env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../src/main.ts')],
    {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'fatal' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => (await fetch(`${url}/health`).catch(() => undefined))?.ok === true,
    30000,
    'the service to start',
  );
  const call = async (method: string, path: string, body?: unknown): Promise<Body> => {
    const response = await fetch(url + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
    return (await response.json()) as Body;
  };
  return { child, call };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

(e2eOnPostgres ? describe.skip : describe)('Webhooks across a crash (e2e, SQLite)', () => {
  let dir: string;
  let receiver: Receiver;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lds-crash-'));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await Promise.all(children.map(killed));
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers, after a restart, what was pending when the process was SIGKILLed', async () => {
    const env = {
      SQLITE_PATH: join(dir, 'crm.sqlite'),
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      // After the first failed attempt every delivery waits ~2-4 s: killed while they wait.
      WEBHOOK_BACKOFF_BASE_MS: '4000',
      WEBHOOK_BACKOFF_MAX_MS: '4000',
    };
    receiver.respondWith(() => 503);
    const first = await startService(env);
    children.push(first.child);
    const operator = await first.call('POST', '/operators', { name: 'Ann', max_load: 100 });
    const source = await first.call('POST', '/sources', { name: 'bot' });
    await first.call('POST', `/sources/${source.id}/weights`, [
      { operator_id: operator.id, weight: 1 },
    ]);
    const hook = await first.call('POST', '/webhooks', { url: receiver.url() });
    for (let i = 0; i < 5; i++) {
      await first.call('POST', '/requests', {
        lead_external_id: `crash-${i}`,
        source_id: source.id,
      });
    }
    // Every delivery was tried once, failed, and waits for its retry.
    await eventually(
      async () => {
        const pending = await first.call('GET', `/webhooks/${hook.id}/deliveries?status=pending`);
        return (
          (pending as unknown as Body[]).length === 10 &&
          (pending as unknown as Body[]).every((d) => d.last_status_code === 503)
        );
      },
      20000,
      'ten failed first attempts',
    );
    await killed(first.child);
    expect(first.child.signalCode).toBe('SIGKILL');

    receiver.respondWith(() => 200);
    const second = await startService(env);
    children.push(second.child);
    await eventually(() => receiver.delivered().length >= 10, 20000, 'the ten deliveries');
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(10);
    expect(new Set(receiver.delivered().map((r) => r.headers['webhook-id']))).toEqual(ids);
    // The outcomes are recorded once a pass's sends are back: wait for the last of them.
    await eventually(
      async () => {
        const delivered = await second.call(
          'GET',
          `/webhooks/${hook.id}/deliveries?status=delivered`,
        );
        return (delivered as unknown as Body[]).length === 10;
      },
      10000,
      'ten deliveries recorded as delivered',
    );
    const pending = await second.call('GET', `/webhooks/${hook.id}/deliveries?status=pending`);
    expect(pending).toEqual([]);
  });
});
