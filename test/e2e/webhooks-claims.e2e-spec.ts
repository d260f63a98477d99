import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BATCH_SIZE } from '../../src/webhooks/webhook-pass.scheduler';
import { WebhookDispatcherService } from '../../src/webhooks/webhook-dispatcher.service';
import { WebhookOutbox } from '../../src/webhooks/webhook-outbox';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createTestDatabase, TestDatabase } from '../utils/test-database';
import { eventually } from '../utils/webhook-receiver';

type Body = Record<string, any>;

/** A receiver that keeps every request waiting until `release()`, then answers 204. */
async function holdingReceiver() {
  const ids: string[] = [];
  const waiting: ServerResponse[] = [];
  let holding = true;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      ids.push(String(request.headers['webhook-id']));
      if (holding) waiting.push(response);
      else response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    ids,
    hold: () => (holding = true),
    release: () => {
      holding = false;
      for (const response of waiting.splice(0)) {
        if (!response.destroyed) response.writeHead(204).end();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A change's deliveries are written already claimed by the instance that made the change, and
 * sent from memory after the commit: no claim, no load, and no other instance sends them while
 * the claim's lease runs.
 */
describe('Webhook deliveries claimed at insert (e2e)', () => {
  let database: TestDatabase;
  let receiver: Awaited<ReturnType<typeof holdingReceiver>>;
  const apps: TestApp[] = [];
  const env = {
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_TIMEOUT_MS: '1500',
    WEBHOOK_POLL_INTERVAL_MS: '200',
  };

  beforeAll(async () => {
    receiver = await holdingReceiver();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    receiver?.release();
    for (const app of apps) await app.stop().catch(() => undefined);
    await database?.drop();
    await receiver?.close();
  });

  /** A source with one operator, and a subscription of the receiver to its requests' creation. */
  const subscribedSource = async (t: TestApp, maxLoad: number) => {
    const source = await given(t).source();
    const operator = await given(t).operator({ max_load: maxLoad });
    await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    const hook = await t
      .http()
      .post('/webhooks')
      .send({ url: receiver.url, events: ['request.created'] })
      .expect(201);
    return { source, hookId: (hook.body as { id: number }).id };
  };

  const deliveries = async (t: TestApp) =>
    (await t.http().get('/webhooks/1/deliveries').expect(200)).body as Body[];
  const rows = (t: TestApp) =>
    t.dataSource.query<Array<{ id: number; lock_token: string | null; attempts: number }>>(
      'SELECT id, lock_token, attempts FROM webhook_deliveries ORDER BY id',
    );

  it('claims at insert, sends from memory, and hands unsent claims back when it stops', async () => {
    const first = await createTestApp({ database, env });
    apps.push(first);
    const { source } = await subscribedSource(first, 100);

    // The first delivery is in the receiver's hands: written with this instance's claim (its
    // first attempt counted, a lease of WEBHOOK_TIMEOUT_MS + 60 s), not claimed afterwards.
    await given(first).request(source.id);
    await eventually(() => receiver.ids.length === 1, 5000, 'the first delivery sent');
    const [inFlight] = await rows(first);
    expect(inFlight.lock_token).toBe(first.app.get(WebhookOutbox).claimToken);
    expect(Number(inFlight.attempts)).toBe(1);
    const [listed] = await deliveries(first);
    expect(listed.status).toBe('pending');
    expect(Date.parse(listed.next_attempt_at as string)).toBeGreaterThan(Date.now() + 55_000);

    // Two more while that pass waits: claimed at insert, waiting in memory for the next pass.
    await given(first).request(source.id);
    await given(first).request(source.id);
    const waiting = (await rows(first)).slice(1);
    expect(waiting.map((row) => row.lock_token)).toEqual([
      inFlight.lock_token,
      inFlight.lock_token,
    ]);

    // Stopping waits for the pass (its attempt times out: a retry) and gives the two waiting
    // claims back, due now and their attempt not counted, instead of leaving them to their lease.
    await first.stop();
    expect(receiver.ids).toHaveLength(1);
    receiver.release();

    const second = await createTestApp({ database, env });
    apps.push(second);
    await eventually(
      async () => (await deliveries(second)).every((d) => d.status === 'delivered'),
      10_000,
      'all three delivered by the restarted instance',
    );
    const delivered = await deliveries(second);
    // The two handed back went out on their first attempt, long before a lease would have run out.
    expect(delivered.map((d) => d.attempts)).toEqual([2, 1, 1]);
    expect(new Set(receiver.ids).size).toBe(3);
  });

  it('lets go of a claim made at insert whose subscription was paused before it was sent', async () => {
    const t = await createTestApp({ env });
    apps.push(t);
    receiver.hold();
    const sent = receiver.ids.length;
    const { source, hookId } = await subscribedSource(t, 100);

    // The first delivery holds the dispatcher; the second waits in memory, claimed at insert.
    await given(t).request(source.id);
    await eventually(() => receiver.ids.length === sent + 1, 5000, 'the first delivery sent');
    await given(t).request(source.id);
    const token = t.app.get(WebhookOutbox).claimToken;
    expect((await rows(t))[1].lock_token).toBe(token);

    await t.http().patch(`/webhooks/${hookId}`).send({ is_active: false }).expect(200);
    receiver.release();
    // The next pass finds the subscription paused: the claim is let go, the attempt not counted.
    await eventually(
      async () => {
        const [, second] = await rows(t);
        return second.lock_token === null && Number(second.attempts) === 0;
      },
      5000,
      'the paused delivery unclaimed',
    );
    // Paused, it is not sent: a pass finds nothing to send.
    expect(await t.app.get(WebhookDispatcherService).tick()).toBe(0);
    expect(receiver.ids).toHaveLength(sent + 1);

    // Active again: it goes out like any pending delivery, on its first counted attempt.
    await t.http().patch(`/webhooks/${hookId}`).send({ is_active: true }).expect(200);
    await eventually(
      async () =>
        ((await t.http().get(`/webhooks/${hookId}/deliveries`).expect(200)).body as Body[])
          .map((d) => `${d.status}/${d.attempts}`)
          .join() === 'delivered/1,delivered/1',
      5000,
      'both delivered',
    );
    expect(receiver.ids).toHaveLength(sent + 2);
    await t.close();
  });

  it('starts another pass while one waits on its receiver, once a full batch waits', async () => {
    // A long deadline: the held pass must still be waiting when the batch is full.
    const t = await createTestApp({ env: { ...env, WEBHOOK_TIMEOUT_MS: '10000' } });
    apps.push(t);
    receiver.release();
    const { source } = await subscribedSource(t, 1000);

    // A quick pass first: passes overlap only after one that was quick. The very first pass
    // also starts the sending thread (under ts-jest it compiles the worker), which on a slow
    // machine takes longer than a quick pass may: it goes before.
    const before = receiver.ids.length;
    await given(t).request(source.id);
    await eventually(() => receiver.ids.length === before + 1, 5000, 'the first pass');
    const sent = receiver.ids.length;
    await given(t).request(source.id);
    await eventually(() => receiver.ids.length === sent + 1, 5000, 'the quick pass');

    // Then a pass the receiver holds, and a full batch of deliveries behind it.
    receiver.hold();
    await given(t).request(source.id);
    await eventually(() => receiver.ids.length === sent + 2, 5000, 'the held pass');
    for (let i = 0; i < BATCH_SIZE; i += 50) {
      await Promise.all(Array.from({ length: 50 }, () => given(t).request(source.id)));
    }
    // One pass at a time, nothing more would arrive until the held one timed out (10 s).
    await eventually(() => receiver.ids.length > sent + 2, 5000, 'a second pass sending');

    receiver.release();
    await eventually(
      async () =>
        (
          await t.dataSource.query<Array<{ n: number }>>(
            "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'delivered'",
          )
        )[0].n >=
        BATCH_SIZE + 2,
      10_000,
      'every delivery sent',
    );
    await t.close();
  });
});
