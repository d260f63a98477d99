import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/app-config';
import { databaseOptions } from '../../src/database/database-options';
import { migrations } from '../../src/database/migrations';
import { WebhookEventsOfOperators1765100000000 } from '../../src/database/migrations/1765100000000-WebhookEventsOfOperators';
import { WEBHOOK_EVENT_TYPES } from '../../src/events/request-event';
import { WebhookSubscription } from '../../src/webhooks/entities/webhook-subscription.entity';
import { WebhookDispatcherService } from '../../src/webhooks/webhook-dispatcher.service';
import { generateWebhookSecret } from '../../src/webhooks/webhooks.service';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createTestDatabase } from '../utils/test-database';
import { eventually, Receiver, startReceiver } from '../utils/webhook-receiver';

type Body = Record<string, any>;

const ENV = { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_POLL_INTERVAL_MS: '200' };
const PRESENCE = "event_type = 'operator.presence_changed'";

/** operator.presence_changed: every presence change, through the request events' outbox. */
describe('Webhooks: operator.presence_changed (e2e)', () => {
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver?.close());
  beforeEach(() => {
    receiver.received.length = 0;
  });

  const countRows = async (t: TestApp, where: string) => {
    const [row] = await t.dataSource.query<Array<{ n: number | string }>>(
      `SELECT COUNT(*) AS n FROM webhook_deliveries WHERE ${where}`,
    );
    return Number(row.n);
  };

  /** The bodies delivered at `path`, each verified with `secret` (throws if one fails). */
  const verified = (secret: string, path: string): Body[] =>
    receiver
      .delivered()
      .filter((r) => r.path === path)
      .map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as Body);

  const presenceEvents = (secret: string, path: string) =>
    verified(secret, path).filter((e) => e.type === 'operator.presence_changed');

  describe('on a running service', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ env: ENV });
    });
    afterAll(() => t?.close());

    async function subscribe(path: string, body: Body = {}): Promise<Body> {
      const response = await t
        .http()
        .post('/webhooks')
        .send({ url: receiver.url(path), ...body });
      expect(response.status).toBe(201);
      return response.body as Body;
    }

    /** Sends everything pending now, then waits until the outbox is empty. */
    async function sendAll(): Promise<void> {
      await t.app.get(WebhookDispatcherService).tick();
      await eventually(async () => (await countRows(t, "status = 'pending'")) === 0, 15000);
    }

    it('delivers it signed, with the operator after the change, to the subscriptions that want it', async () => {
      const source = await given(t).source();
      const otherSource = await given(t).source();
      const op = await given(t).operator({ max_load: 1 });
      await given(t).weights(source.id, [{ operator_id: op.id, weight: 1 }]);

      const all = await subscribe('/all');
      const presenceOnly = await subscribe('/presence', { events: ['operator.presence_changed'] });
      const requestsOnly = await subscribe('/requests', {
        events: ['request.created', 'request.assigned'],
      });
      const ofSource = await subscribe('/source', { source_id: source.id });
      const ofOtherSource = await subscribe('/other', { source_id: otherSource.id });
      const paused = await subscribe('/paused');
      await t.http().patch(`/webhooks/${paused.id}`).send({ is_active: false }).expect(200);
      // "All" is stored as every bit: the types added after it was created reach it too.
      const [stored] = await t.dataSource.query<Array<{ event_mask: number | string }>>(
        `SELECT event_mask FROM webhook_subscriptions WHERE id = ${all.id}`,
      );
      expect(Number(stored.event_mask)).toBe(-1);
      expect(all.events).toEqual([...WEBHOOK_EVENT_TYPES]);

      const away = await t
        .http()
        .put(`/operators/${op.id}/presence`)
        .send({ presence: 'away', reason: 'lunch' })
        .expect(200);
      const waiting = await given(t).request(source.id); // waits: nobody is available
      expect(waiting.operator_id).toBeNull();
      // Back: the queue drains into it in the same transaction, and the event shows that.
      const back = await t
        .http()
        .put(`/operators/${op.id}/presence`)
        .send({ presence: 'available' })
        .expect(200);
      expect(back.body.current_load).toBe(1);
      await sendAll();

      // Sent at once, so they may arrive in either order.
      const events = presenceEvents(all.secret, '/all').sort((a, b) =>
        a.created_at.localeCompare(b.created_at),
      );
      expect(events).toEqual([
        {
          id: expect.stringMatching(/^evt_[0-9A-Z]{26}$/),
          type: 'operator.presence_changed',
          created_at: away.body.presence_since,
          data: { operator: away.body, previous_presence: 'available', actor: 'admin' },
        },
        {
          id: expect.stringMatching(/^evt_[0-9A-Z]{26}$/),
          type: 'operator.presence_changed',
          created_at: back.body.presence_since,
          data: { operator: back.body, previous_presence: 'away', actor: 'admin' },
        },
      ]);
      // The operator in it is the one GET shows.
      expect((await t.http().get(`/operators/${op.id}`).expect(200)).body).toEqual(
        events[1].data.operator,
      );
      // The headers: webhook-id is the event id; one event, one id for every subscription.
      const hits = receiver.delivered().filter((r) => r.path === '/all');
      const hit = hits.find((r) => JSON.parse(r.body).id === events[0].id)!;
      expect(hit.headers['webhook-id']).toBe(events[0].id);
      expect(hit.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
      const ids = events.map((e) => e.id);
      const idsAt = (secret: string, path: string) =>
        presenceEvents(secret, path)
          .map((e) => e.id)
          .sort();
      expect(idsAt(presenceOnly.secret, '/presence')).toEqual([...ids].sort());
      expect(verified(presenceOnly.secret, '/presence')).toHaveLength(2);
      // A subscription with a source gets it when the operator is configured for that source.
      expect(idsAt(ofSource.secret, '/source')).toEqual([...ids].sort());
      expect(verified(ofOtherSource.secret, '/other')).toEqual([]);
      // A subscription to other types gets those only.
      expect(new Set(verified(requestsOnly.secret, '/requests').map((e) => e.type))).toEqual(
        new Set(['request.created', 'request.assigned']),
      );
      expect(verified(paused.secret, '/paused')).toEqual([]);
      expect(await countRows(t, `${PRESENCE} AND subscription_id = ${requestsOnly.id}`)).toBe(0);
      expect(await countRows(t, `subscription_id = ${paused.id}`)).toBe(0);

      // Listed as any delivery.
      const deliveries = await t
        .http()
        .get(`/webhooks/${presenceOnly.id}/deliveries?limit=1000`)
        .expect(200);
      expect(deliveries.body).toEqual([
        expect.objectContaining({
          event_id: ids[0],
          event_type: 'operator.presence_changed',
          status: 'delivered',
          attempts: 1,
          last_status_code: 200,
        }),
        expect.objectContaining({ event_id: ids[1], status: 'delivered' }),
      ]);
      for (const s of [all, presenceOnly, requestsOnly, ofSource, ofOtherSource, paused]) {
        await t.http().delete(`/webhooks/${s.id}`).expect(204);
      }
    });

    it('retries it like any delivery: the same id and body, signed each time', async () => {
      const op = await given(t).operator();
      const subscription = await subscribe('/flaky', { events: ['operator.presence_changed'] });
      let calls = 0;
      receiver.respondWith(() => (++calls === 1 ? 503 : 200));
      try {
        await t
          .http()
          .put(`/operators/${op.id}/presence`)
          .send({ presence: 'offline' })
          .expect(200);
        await eventually(() => receiver.delivered().length === 1, 15000, 'the second attempt');
      } finally {
        receiver.respondWith(() => 200);
      }
      const attempts = receiver.received.filter((r) => r.path === '/flaky');
      expect(attempts.map((r) => r.status)).toEqual([503, 200]);
      expect(attempts[1].body).toBe(attempts[0].body);
      expect(attempts[1].headers['webhook-id']).toBe(attempts[0].headers['webhook-id']);
      for (const attempt of attempts) {
        expect(
          new Webhook(subscription.secret).verify(attempt.body, attempt.headers as never),
        ).toMatchObject({ data: { operator: { id: op.id, presence: 'offline' } } });
      }
      await t.http().delete(`/webhooks/${subscription.id}`).expect(204);
    });

    it('sends nothing for a presence change that fails or changes nothing', async () => {
      const op = await given(t).operator();
      const all = await subscribe('/quiet');
      const before = await countRows(t, PRESENCE);

      await t.http().put('/operators/999999/presence').send({ presence: 'away' }).expect(404);
      await t.http().put(`/operators/${op.id}/presence`).send({ presence: 'lunch' }).expect(400);
      await t
        .http()
        .put(`/operators/${op.id}/presence`)
        .send({ presence: 'away', reason: '' })
        .expect(400);
      // Already available with no reason: no change, no history, no event.
      await t
        .http()
        .put(`/operators/${op.id}/presence`)
        .send({ presence: 'available' })
        .expect(200);

      expect(await countRows(t, PRESENCE)).toBe(before);
      await sendAll();
      expect(receiver.received.filter((r) => r.path === '/quiet')).toEqual([]);
      expect((await t.http().get(`/operators/${op.id}/events`).expect(200)).body).toEqual([]);
      await t.http().delete(`/webhooks/${all.id}`).expect(204);
    });
  });

  it('reaches an "all" subscription created before the type existed, not a narrower one', async () => {
    // A database as the previous release left it: every migration before this feature's.
    const database = await createTestDatabase();
    const config = AppConfig.fromEnv({ NODE_ENV: 'test', ...database.env });
    const before = migrations.slice(0, migrations.indexOf(WebhookEventsOfOperators1765100000000));
    const old = new DataSource({ ...databaseOptions(config), migrations: before });
    await old.initialize();
    const now = new Date();
    // Then "all" was the mask of that day's types: 5, then 6 with request.relaxed.
    const masks = { allOfFive: 0b11111, allOfSix: 0b111111, assignedOnly: 0b10 };
    const secrets: Record<string, string> = {};
    try {
      await old.runMigrations();
      for (const [name, eventMask] of Object.entries(masks)) {
        secrets[name] = generateWebhookSecret();
        await old.manager.insert(WebhookSubscription, {
          url: receiver.url(`/old-${name}`),
          eventMask,
          sourceId: null,
          description: null,
          isActive: true,
          secret: secrets[name],
          createdAt: now,
          updatedAt: now,
        });
      }
    } finally {
      await old.destroy();
    }

    const t = await createTestApp({ env: ENV, database });
    try {
      const list = (await t.http().get('/webhooks').expect(200)).body as Body[];
      expect(list.map((s) => s.events)).toEqual([
        [...WEBHOOK_EVENT_TYPES],
        [...WEBHOOK_EVENT_TYPES],
        ['request.assigned'],
      ]);
      const op = await given(t).operator();
      await t.http().put(`/operators/${op.id}/presence`).send({ presence: 'away' }).expect(200);
      await t.app.get(WebhookDispatcherService).tick();
      await eventually(async () => (await countRows(t, "status = 'pending'")) === 0, 15000);
      for (const name of ['allOfFive', 'allOfSix']) {
        expect(presenceEvents(secrets[name], `/old-${name}`)).toEqual([
          expect.objectContaining({
            data: {
              operator: expect.objectContaining({ id: op.id }),
              previous_presence: 'available',
              actor: 'admin',
            },
          }),
        ]);
      }
      expect(verified(secrets.assignedOnly, '/old-assignedOnly')).toEqual([]);
      // Request events still flow through the rebuilt outbox.
      const source = await given(t).source();
      await given(t).weights(source.id, [{ operator_id: op.id, weight: 1 }]);
      await given(t).request(source.id);
      await eventually(
        () => verified(secrets.allOfSix, '/old-allOfSix').some((e) => e.type === 'request.created'),
        15000,
      );
    } finally {
      await t.close();
      await database.drop();
    }
  });
});
