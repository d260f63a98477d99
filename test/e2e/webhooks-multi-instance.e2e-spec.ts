import { WebhookDispatcherService } from '../../src/webhooks/webhook-dispatcher.service';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createTestDatabase, e2eOnPostgres, TestDatabase } from '../utils/test-database';
import { eventually, Receiver, startReceiver } from '../utils/webhook-receiver';

/**
 * Two app instances on one PostgreSQL database share the outbox: every event is delivered, and
 * no delivery is sent by both (claims use FOR UPDATE SKIP LOCKED and a lease).
 */
(e2eOnPostgres ? describe : describe.skip)('Webhooks with two instances (e2e, PostgreSQL)', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    database = await createTestDatabase();
    // A short fallback poll, so each instance also picks up the other's events.
    const env = { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_POLL_INTERVAL_MS: '50' };
    a = await createTestApp({ database, env });
    b = await createTestApp({ database, env });
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
    await receiver?.close();
  });

  it('delivers 500 events, each webhook-id exactly once', async () => {
    const source = await given(a).source();
    const operator = await given(a).operator({ max_load: 100000 });
    await given(a).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    await a.http().post('/webhooks').send({ url: receiver.url() }).expect(201);

    // 250 requests, half on each instance, 10 at a time: created + assigned = 500 events.
    const instances = [a, b];
    for (let wave = 0; wave < 25; wave++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => given(instances[i % 2]).request(source.id)),
      );
    }
    const [{ n }] = await a.dataSource.query<Array<{ n: string }>>(
      'SELECT COUNT(*) AS n FROM request_events',
    );
    expect(Number(n)).toBe(500);

    const [{ deliveries }] = await a.dataSource.query<Array<{ deliveries: string }>>(
      'SELECT COUNT(*) AS deliveries FROM webhook_deliveries',
    );
    expect(Number(deliveries)).toBe(500);
    const undelivered = async () =>
      Number(
        (
          await a.dataSource.query<Array<{ n: string }>>(
            "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status <> 'delivered'",
          )
        )[0].n,
      );
    await eventually(async () => (await undelivered()) === 0, 30000, '500 deliveries delivered');
    // Any duplicate is in the receiver's hands now: each instance's passes have ended, and a
    // pass of each finds nothing more to send.
    for (const t of [a, b]) expect(await t.app.get(WebhookDispatcherService).tick()).toBe(0);
    const ids = receiver.received.map((r) => r.headers['webhook-id'] as string);
    expect(ids).toHaveLength(500);
    expect(new Set(ids).size).toBe(500);
    const stored = await a.dataSource.query<Array<{ event_id: string }>>(
      'SELECT event_id FROM request_events',
    );
    expect(new Set(ids)).toEqual(new Set(stored.map((row) => row.event_id)));
    const [{ pending }] = await a.dataSource.query<Array<{ pending: string }>>(
      "SELECT COUNT(*) AS pending FROM webhook_deliveries WHERE status <> 'delivered' OR attempts <> 1",
    );
    expect(Number(pending)).toBe(0);
    // Both instances sent, and their counts add up to 500: nothing was sent twice.
    const sent = async (t: TestApp) => {
      const text = (await t.http().get('/metrics').expect(200)).text;
      return Number(/webhook_deliveries_total\{outcome="delivered"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const [byA, byB] = [await sent(a), await sent(b)];
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect(byA + byB).toBe(500);
  });
});
