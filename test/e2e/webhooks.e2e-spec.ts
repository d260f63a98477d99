import { hostname } from 'node:os';
import { Webhook } from 'standardwebhooks';
import { readerQuery } from '../../src/database/raw-query';
import { WEBHOOK_EVENT_TYPES } from '../../src/events/request-event';
import { WebhookDispatcherService } from '../../src/webhooks/webhook-dispatcher.service';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { eventually, Receiver, startReceiver } from '../utils/webhook-receiver';
import { expectConflict } from '../utils/conflict';

type Body = Record<string, any>;

/** Small backoff and few attempts, so retries and dead deliveries happen in a test's time. */
const FAST_RETRIES = {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  WEBHOOK_BACKOFF_BASE_MS: '20',
  WEBHOOK_BACKOFF_MAX_MS: '100',
  WEBHOOK_MAX_ATTEMPTS: '4',
  WEBHOOK_POLL_INTERVAL_MS: '200',
};

const countRows = async (t: TestApp, table: string, where = '1 = 1') => {
  const [row] = await t.dataSource.query<Array<{ n: number | string }>>(
    `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
  );
  return Number(row.n);
};

describe('Webhooks (e2e)', () => {
  let t: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await createTestApp({ env: FAST_RETRIES });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.respondWith(() => 200);
  });

  /** A subscription, created over the API; returns the POST response (with its secret). */
  async function subscribe(body: Body, path = `/hooks-${Math.random()}`): Promise<Body> {
    const response = await t
      .http()
      .post('/webhooks')
      .send({ url: receiver.url(path), ...body });
    expect(response.status).toBe(201);
    return response.body as Body;
  }

  /** Changes rows behind the API's back (`?` placeholders, dates as Date, on either database). */
  const write = (sql: string, params: unknown[]) =>
    readerQuery(t.writer.manager).query(sql, params);

  /** The bodies delivered (2xx) at `path`, each verified with `secret` (throws if one fails). */
  const verified = (secret: string, path: string): Body[] =>
    receiver
      .delivered()
      .filter((r) => r.path === path)
      .map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as Body);

  describe('subscriptions', () => {
    it('shows the secret once, and never in GET or lists', async () => {
      const created = await subscribe({ description: 'CRM' });
      expect(created).toEqual({
        id: expect.any(Number),
        url: expect.stringContaining('http://127.0.0.1:'),
        // Every type (stored as "all": types added later too).
        events: [...WEBHOOK_EVENT_TYPES],
        source_id: null,
        description: 'CRM',
        is_active: true,
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
        created_at: expect.any(String),
      });
      expect(Buffer.from(created.secret.slice(6), 'base64')).toHaveLength(32);

      const one = await t.http().get(`/webhooks/${created.id}`).expect(200);
      expect(one.body).toEqual({ ...created, secret: undefined });
      expect(one.text).not.toContain(created.secret);
      const list = await t.http().get('/webhooks?limit=1000').expect(200);
      expect(Number(list.headers['x-total-count'])).toBeGreaterThanOrEqual(1);
      expect(list.text).not.toContain('whsec_');
      const metrics = await t.http().get('/metrics').expect(200);
      expect(metrics.text).not.toContain(created.secret);
      await t.http().delete(`/webhooks/${created.id}`).expect(204);
    });

    it('pages with limit, offset and X-Total-Count', async () => {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await subscribe({})).id);
      const all = await t.http().get('/webhooks?limit=1000').expect(200);
      const total = Number(all.headers['x-total-count']);
      const page = await t
        .http()
        .get(`/webhooks?limit=2&offset=${total - 2}`)
        .expect(200);
      expect(page.headers['x-total-count']).toBe(String(total));
      expect(page.body.map((w: Body) => w.id)).toEqual(ids.slice(1));
      for (const id of ids) await t.http().delete(`/webhooks/${id}`).expect(204);
    });

    it('updates and deletes', async () => {
      const source = await given(t).source();
      const created = await subscribe({});
      const patched = await t
        .http()
        .patch(`/webhooks/${created.id}`)
        .send({ events: ['request.closed'], source_id: source.id, is_active: false })
        .expect(200);
      expect(patched.body).toMatchObject({
        events: ['request.closed'],
        source_id: source.id,
        is_active: false,
      });
      expect(patched.body.secret).toBeUndefined();
      const cleared = await t
        .http()
        .patch(`/webhooks/${created.id}`)
        .send({ source_id: null, description: 'x' })
        .expect(200);
      expect(cleared.body).toMatchObject({ source_id: null, description: 'x', is_active: false });
      await t.http().delete(`/webhooks/${created.id}`).expect(204);
      await t.http().get(`/webhooks/${created.id}`).expect(404);
      await t.http().delete(`/webhooks/${created.id}`).expect(404);
      await t.http().patch(`/webhooks/${created.id}`).send({ description: 'y' }).expect(404);
    });

    it.each([
      [{ url: 'ftp://example.com/x' }, /http or https/],
      [{ url: 'not a url' }, /http or https/],
      [{ events: ['request.deleted'] }, /events must be one of/],
      [{ events: [] }, /events/],
      [{ source_id: 0 }, /source_id/],
      [{ secret: 'whsec_mine' }, /secret should not exist/],
    ])('refuses %j with 400', async (body, message) => {
      const response = await t
        .http()
        .post('/webhooks')
        .send({ url: receiver.url(), ...body });
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.message)).toMatch(message);
    });

    it('refuses an unknown source with 404', async () => {
      const response = await t
        .http()
        .post('/webhooks')
        .send({ url: receiver.url(), source_id: 999999 });
      expect(response.status).toBe(404);
      const created = await subscribe({});
      await t.http().patch(`/webhooks/${created.id}`).send({ source_id: 999999 }).expect(404);
      await t.http().delete(`/webhooks/${created.id}`).expect(204);
    });
  });

  describe('delivery', () => {
    it('announces every event type, signed, to the subscriptions whose filters match', async () => {
      const source = await given(t).source();
      const otherSource = await given(t).source();
      const all = await subscribe({}, '/all');
      const ofSource = await subscribe({ source_id: source.id }, '/source');
      const closedOnly = await subscribe({ events: ['request.closed'] }, '/closed');
      const ofOtherSource = await subscribe({ source_id: otherSource.id }, '/other');
      const paused = await subscribe({}, '/paused');
      await t.http().patch(`/webhooks/${paused.id}`).send({ is_active: false }).expect(200);

      // A walks through every event and every assignment trigger.
      const a = await given(t).operator({ max_load: 1 });
      const b = await given(t).operator({ max_load: 2 });
      await given(t).weights(source.id, [{ operator_id: a.id, weight: 1 }]);
      const r1 = await given(t).request(source.id); // created, assigned (intake)
      const r2 = await given(t).request(source.id); // created, waiting
      await t.http().patch(`/requests/${r1.id}/status?status=closed`).expect(200); // closed; r2 drained
      await t.http().post(`/requests/${r2.id}/assign`).send({ operator_id: b.id }).expect(200); // manual
      await t.http().patch(`/requests/${r1.id}/status?status=active`).expect(200); // reopened
      await given(t).weights(source.id, [
        { operator_id: a.id, weight: 1 },
        { operator_id: b.id, weight: 1 },
      ]);
      await t.http().post(`/requests/${r1.id}/reassign`).expect(200); // to b (reassign)
      await t.http().patch(`/operators/${b.id}`).send({ is_active: false }).expect(200);
      await t.http().post(`/operators/${b.id}/release`).expect(200); // release: one to a, one waits

      const rows = await t.dataSource.query<Array<{ event_id: string }>>(
        `SELECT event_id FROM request_events WHERE request_id IN (${r1.id}, ${r2.id})`,
      );
      const eventIds = rows.map((row) => row.event_id);
      expect(eventIds.length).toBeGreaterThanOrEqual(11);
      await eventually(
        () => receiver.delivered().filter((r) => r.path === '/all').length >= eventIds.length,
        15000,
        'every delivery',
      );
      await eventually(
        async () =>
          (await countRows(
            t,
            'webhook_deliveries',
            `status = 'pending' AND subscription_id <> ${paused.id}`,
          )) === 0,
      );

      // Each subscription's secret verifies exactly the bodies sent to it.
      const allEvents = verified(all.secret, '/all');
      expect(allEvents.map((e) => e.id).sort()).toEqual([...eventIds].sort());
      expect(new Set(allEvents.map((e) => e.type))).toEqual(
        new Set([
          'request.created',
          'request.assigned',
          'request.waiting',
          'request.closed',
          'request.reopened',
        ]),
      );
      const triggers = allEvents
        .filter((e) => e.type === 'request.assigned')
        .map((e) => e.data.trigger);
      expect(new Set(triggers)).toEqual(
        new Set(['intake', 'drain', 'manual', 'reassign', 'release']),
      );
      for (const event of allEvents) {
        expect(event).toEqual({
          id: expect.stringMatching(/^evt_/),
          type: expect.any(String),
          created_at: expect.any(String),
          data: {
            request: expect.objectContaining({ id: expect.any(Number), source_id: source.id }),
            previous_operator_id: event.data.previous_operator_id,
            trigger: event.data.trigger,
          },
        });
      }
      // data.request is the request right after that change.
      const reopened = allEvents.find((e) => e.type === 'request.reopened')!;
      expect(reopened.data.request).toMatchObject({
        id: r1.id,
        status: 'active',
        operator_id: a.id,
      });
      const manual = allEvents.find((e) => e.data.trigger === 'manual')!;
      expect(manual.data).toMatchObject({
        request: { id: r2.id, operator_id: b.id },
        previous_operator_id: a.id,
      });

      expect(
        verified(ofSource.secret, '/source')
          .map((e) => e.id)
          .sort(),
      ).toEqual([...eventIds].sort());
      const closed = verified(closedOnly.secret, '/closed');
      expect(closed.map((e) => e.type)).toEqual(['request.closed']);
      expect(verified(ofOtherSource.secret, '/other')).toEqual([]);
      expect(verified(paused.secret, '/paused')).toEqual([]);
      // An inactive subscription gets no deliveries for what happens while it is off.
      expect(await countRows(t, 'webhook_deliveries', `subscription_id = ${paused.id}`)).toBe(0);

      // The headers are the Standard Webhooks ones; webhook-id is the event id.
      const first = receiver.delivered()[0];
      expect(first.headers['webhook-id']).toBe(JSON.parse(first.body).id);
      expect(first.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
      expect(first.headers['webhook-signature']).toMatch(/^v1,/);

      const deliveries = await t
        .http()
        .get(`/webhooks/${all.id}/deliveries?status=delivered&limit=1000`)
        .expect(200);
      expect(deliveries.headers['x-total-count']).toBe(String(eventIds.length));
      expect(deliveries.body[0]).toEqual({
        id: expect.any(Number),
        event_id: expect.stringMatching(/^evt_/),
        event_type: 'request.created',
        status: 'delivered',
        attempts: 1,
        last_status_code: 200,
        last_error: null,
        next_attempt_at: expect.any(String),
        delivered_at: expect.any(String),
        created_at: expect.any(String),
      });
      for (const s of [all, ofSource, closedOnly, ofOtherSource, paused]) {
        await t.http().delete(`/webhooks/${s.id}`).expect(204);
      }
    });

    /** One source with room, one subscription at `path`; returns both. */
    async function setUp(path: string, body: Body = {}) {
      const source = await given(t).source();
      const operator = await given(t).operator({ max_load: 100 });
      await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
      const subscription = await subscribe({ source_id: source.id, ...body }, path);
      return { source, subscription };
    }

    const deliveriesOf = async (subscription: Body, query = '') =>
      (await t.http().get(`/webhooks/${subscription.id}/deliveries?limit=1000${query}`).expect(200))
        .body as Body[];

    it('retries a failing receiver: delivered on the 3rd attempt with the same webhook-id', async () => {
      const { source, subscription } = await setUp('/flaky', { events: ['request.created'] });
      let calls = 0;
      receiver.respondWith(() => (++calls <= 2 ? 503 : 200));
      await given(t).request(source.id);
      await eventually(() => receiver.delivered().length === 1, 10000, 'the third attempt');

      const attempts = receiver.received.filter((r) => r.path === '/flaky');
      expect(attempts.map((r) => r.status)).toEqual([503, 503, 200]);
      expect(new Set(attempts.map((r) => r.headers['webhook-id'])).size).toBe(1);
      for (const attempt of attempts) {
        expect(
          new Webhook(subscription.secret).verify(attempt.body, attempt.headers as never),
        ).toBeTruthy();
      }
      await eventually(async () => (await deliveriesOf(subscription))[0]?.status === 'delivered');
      expect((await deliveriesOf(subscription))[0]).toMatchObject({
        status: 'delivered',
        attempts: 3,
        last_status_code: 200,
        last_error: null,
      });
    });

    it('gives up after WEBHOOK_MAX_ATTEMPTS (dead); the retry route sends it again', async () => {
      const { source, subscription } = await setUp('/down', { events: ['request.created'] });
      receiver.respondWith(() => 500);
      await given(t).request(source.id);
      await eventually(
        async () => (await deliveriesOf(subscription, '&status=dead')).length === 1,
        10000,
        'a dead delivery',
      );
      // WEBHOOK_MAX_ATTEMPTS=4 counts every attempt, the first included.
      expect(receiver.received.filter((r) => r.path === '/down')).toHaveLength(4);
      const [dead] = await deliveriesOf(subscription);
      expect(dead).toMatchObject({ status: 'dead', attempts: 4, last_status_code: 500 });
      expect(dead.last_error).toMatch(/HTTP 500/);
      expect(await deliveriesOf(subscription, '&status=pending')).toEqual([]);
      // Dead is final: a pass finds nothing to send.
      expect(await t.app.get(WebhookDispatcherService).tick()).toBe(0);
      expect(receiver.received.filter((r) => r.path === '/down')).toHaveLength(4);

      receiver.respondWith(() => 200);
      const retried = await t
        .http()
        .post(`/webhooks/${subscription.id}/deliveries/${dead.id}/retry`)
        .expect(202);
      expect(retried.body).toEqual({ id: dead.id, status: 'pending' });
      await eventually(() => receiver.delivered().length === 1, 10000, 'the revived delivery');
      expect(receiver.delivered()[0].headers['webhook-id']).toBe(dead.event_id);
      await eventually(async () => (await deliveriesOf(subscription))[0].status === 'delivered');
      expect((await deliveriesOf(subscription))[0]).toMatchObject({ attempts: 1 });
      // Delivered is final; unknown ids are 404.
      await expectConflict(
        t.http().post(`/webhooks/${subscription.id}/deliveries/${dead.id}/retry`),
        'ALREADY_DELIVERED',
      );
      await t.http().post(`/webhooks/${subscription.id}/deliveries/999999/retry`).expect(404);
      await t.http().post(`/webhooks/999999/deliveries/${dead.id}/retry`).expect(404);
      await t.http().get(`/webhooks/${subscription.id}/deliveries?status=lost`).expect(400);
    });

    it('fails a delivery that cannot be signed on its own (dead after its attempts); its batch neighbours are delivered', async () => {
      const { source, subscription: poison } = await setUp('/poison', {
        events: ['request.created'],
      });
      const neighbour = await subscribe(
        { source_id: source.id, events: ['request.created'] },
        '/neighbour',
      );
      // A secret the signer throws on (written by hand, or by an older version).
      await write('UPDATE webhook_subscriptions SET secret = ? WHERE id = ?', [
        'whsec_not base64!',
        poison.id,
      ]);
      // Each request's two deliveries are claimed at insert and sent in one batch.
      await given(t).request(source.id);
      await given(t).request(source.id);
      await eventually(
        () => receiver.delivered().filter((r) => r.path === '/neighbour').length === 2,
        10000,
        'the neighbours',
      );
      expect(verified(neighbour.secret, '/neighbour')).toHaveLength(2);
      await eventually(
        async () => (await deliveriesOf(poison, '&status=dead')).length === 2,
        10000,
        'the poison deliveries dead',
      );
      for (const delivery of await deliveriesOf(poison)) {
        // WEBHOOK_MAX_ATTEMPTS=4: every attempt recorded, none sent.
        expect(delivery).toMatchObject({ status: 'dead', attempts: 4, last_status_code: null });
        expect(delivery.last_error).toMatch(/could not be signed/);
        expect(delivery.last_error).not.toContain('not base64');
      }
      expect(receiver.received.filter((r) => r.path === '/poison')).toEqual([]);
      expect((await deliveriesOf(neighbour)).map((d) => d.status)).toEqual([
        'delivered',
        'delivered',
      ]);
      await t.http().delete(`/webhooks/${poison.id}`).expect(204);
      await t.http().delete(`/webhooks/${neighbour.id}`).expect(204);
    });

    it('fails a claimed delivery whose body cannot be built on its own; its batch neighbours are delivered', async () => {
      const a = await setUp('/unbuildable', { events: ['request.created'] });
      const b = await setUp('/buildable', { events: ['request.created'] });
      receiver.respondWith(() => 503);
      await given(t).request(a.source.id);
      await given(t).request(b.source.id);
      await eventually(() => receiver.received.length >= 2, 10000, 'the first attempts');
      // Both wait as due rows (claimed in one batch when active again).
      for (const { subscription } of [a, b]) {
        await t.http().patch(`/webhooks/${subscription.id}`).send({ is_active: false }).expect(200);
      }
      const unclaimed = `lock_token IS NULL AND status = 'pending' AND subscription_id IN (${a.subscription.id}, ${b.subscription.id})`;
      await eventually(async () => (await countRows(t, 'webhook_deliveries', unclaimed)) === 2);
      // a's event can no longer be rendered (a stored timestamp that is no instant).
      const [delivery] = await deliveriesOf(a.subscription);
      await write('UPDATE request_events SET created_at = ? WHERE event_id = ?', [
        'infinity',
        delivery.event_id,
      ]);
      receiver.respondWith(() => 200);
      for (const { subscription } of [a, b]) {
        await t.http().patch(`/webhooks/${subscription.id}`).send({ is_active: true }).expect(200);
      }
      await t.app.get(WebhookDispatcherService).tick();
      await eventually(
        () => receiver.delivered().some((r) => r.path === '/buildable'),
        10000,
        'the neighbour',
      );
      await eventually(
        async () => (await deliveriesOf(a.subscription, '&status=dead')).length === 1,
        10000,
        'the unbuildable delivery dead',
      );
      expect((await deliveriesOf(a.subscription))[0]).toMatchObject({
        status: 'dead',
        attempts: 4,
        last_status_code: null,
        last_error: expect.stringMatching(/could not be built/),
      });
      expect(receiver.delivered().filter((r) => r.path === '/unbuildable')).toEqual([]);
      for (const { subscription } of [a, b]) {
        await t.http().delete(`/webhooks/${subscription.id}`).expect(204);
      }
    });

    it('announces nothing for a rolled-back change', async () => {
      const { subscription } = await setUp('/rollback');
      await t.http().patch(`/webhooks/${subscription.id}`).send({ source_id: null }).expect(200);
      const events = await countRows(t, 'request_events');
      const deliveries = await countRows(t, 'webhook_deliveries');
      await t
        .http()
        .post('/requests')
        .send({ lead_external_id: 'nobody', source_id: 999999 })
        .expect(404);
      // A change refused half-way: reopening a request whose operator is full.
      const source = await given(t).source();
      const operator = await given(t).operator({ max_load: 1 });
      await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
      const first = await given(t).request(source.id);
      await t.http().patch(`/requests/${first.id}/status?status=closed`).expect(200);
      await given(t).request(source.id);
      const before = await countRows(t, 'webhook_deliveries');
      await expectConflict(
        t.http().patch(`/requests/${first.id}/status?status=active`),
        'AT_CAPACITY',
      );
      expect(await countRows(t, 'webhook_deliveries')).toBe(before);
      await t.app.get(WebhookDispatcherService).tick();
      await eventually(
        async () => (await countRows(t, 'webhook_deliveries', "status = 'pending'")) === 0,
      );
      // Only the committed changes were announced: created+assigned, closed, created+waiting.
      expect(await countRows(t, 'request_events')).toBe(events + 5);
      expect(await countRows(t, 'webhook_deliveries')).toBe(deliveries + 5);
      expect(receiver.delivered()).toHaveLength(5);
      await t.http().delete(`/webhooks/${subscription.id}`).expect(204);
    });

    it('takes over a claim whose lease ran out, and leaves a live one alone', async () => {
      const { source, subscription } = await setUp('/lease', { events: ['request.created'] });
      receiver.respondWith(() => 503);
      await given(t).request(source.id);
      // The failed attempt is recorded (not only received), so nothing overwrites the claim below.
      let delivery: Body = {};
      await eventually(async () => {
        [delivery] = await deliveriesOf(subscription);
        // At least one failed attempt (retries follow every 20-100 ms here).
        expect(delivery.attempts).toBeGreaterThanOrEqual(1);
        expect(delivery.last_status_code).toBe(503);
      });
      // As if another process had claimed it and were sending it now (its lease runs a minute).
      // Only while no retry of this dispatcher holds it (retries come every 20-100 ms here): a
      // retry in flight would be answered after the receiver turns to 200 below.
      await eventually(async () => {
        await write(
          "UPDATE webhook_deliveries SET lock_token = 'other', next_attempt_at = ?, status = 'pending' WHERE id = ? AND lock_token IS NULL",
          [new Date(Date.now() + 60_000), delivery.id],
        );
        const [row] = (await write(
          'SELECT lock_token AS "lockToken" FROM webhook_deliveries WHERE id = ?',
          [delivery.id],
        )) as Array<{ lockToken: string | null }>;
        expect(row.lockToken).toBe('other');
      });
      receiver.respondWith(() => 200);
      const atLease = () => receiver.delivered().filter((r) => r.path === '/lease');
      const dispatcher = t.app.get(WebhookDispatcherService);
      // A pass (after the polls running) leaves the live claim alone.
      expect(await dispatcher.tick()).toBe(0);
      expect(atLease()).toHaveLength(0);
      // That process died: its lease ends and the delivery is due again.
      await write('UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?', [
        new Date(Date.now() - 1000),
        delivery.id,
      ]);
      await dispatcher.tick();
      await eventually(async () => (await deliveriesOf(subscription))[0].status === 'delivered');
      // Delivered once: nothing is left to send it again.
      expect(await dispatcher.tick()).toBe(0);
      expect(atLease()).toHaveLength(1);
    });

    it('purges delivered and dead rows older than WEBHOOK_RETENTION_DAYS, never pending ones', async () => {
      const { source, subscription } = await setUp('/purge', { events: ['request.created'] });
      await given(t).request(source.id);
      await given(t).request(source.id);
      await given(t).request(source.id);
      await eventually(
        async () => (await deliveriesOf(subscription, '&status=delivered')).length === 3,
      );
      const [a, b, c] = await deliveriesOf(subscription);
      await write("UPDATE webhook_deliveries SET status = 'dead' WHERE id = ?", [b.id]);
      // c is pending again (claimed elsewhere, for a long while).
      await write(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, lock_token = 'x' WHERE id = ?",
        [new Date(Date.now() + 3_600_000), c.id],
      );
      const dispatcher = t.app.get(WebhookDispatcherService);
      expect(await dispatcher.purge(new Date(Date.now() + 6 * 86_400_000))).toBe(0);
      expect(await dispatcher.purge(new Date(Date.now() + 8 * 86_400_000))).toBeGreaterThanOrEqual(
        2,
      );
      expect((await deliveriesOf(subscription)).map((d) => d.id)).toEqual([c.id]);
      expect(a.id).toBeLessThan(c.id);
    });

    it('exports outcomes, the pending backlog and its age to Prometheus, without secrets', async () => {
      const { source, subscription } = await setUp('/metrics', { events: ['request.created'] });
      receiver.respondWith(() => 503);
      await given(t).request(source.id);
      await eventually(() => receiver.received.length >= 2);
      const text = (await t.http().get('/metrics').expect(200)).text;
      expect(text).toMatch(/webhook_deliveries_total\{outcome="delivered"\} \d+/);
      expect(text).toMatch(/webhook_deliveries_total\{outcome="retry"\} [1-9]/);
      expect(text).toMatch(/webhook_pending_deliveries [1-9]/);
      expect(text).toMatch(/webhook_oldest_pending_delivery_age_seconds \d/);
      expect(text).not.toContain(subscription.secret);
      await t.http().delete(`/webhooks/${subscription.id}`).expect(204);
      const after = (await t.http().get('/metrics').expect(200)).text;
      // Its pending delivery went with it.
      const pending = (metrics: string) =>
        Number(/webhook_pending_deliveries (\d+)/.exec(metrics)?.[1]);
      expect(pending(after)).toBe(pending(text) - 1);
    });
  });
});

describe('Webhooks: access and SSRF (e2e)', () => {
  const ADMIN = 'webhooks-admin-key-0123456789';
  const admin = { 'X-API-Key': ADMIN };
  let t: TestApp;
  let receiver: Receiver;
  // This machine's own name: not "localhost", but it resolves to a loopback or private address.
  const ownName = hostname();

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await createTestApp({
      env: { ADMIN_API_KEYS: ADMIN, WEBHOOK_POLL_INTERVAL_MS: '0', WEBHOOK_MAX_ATTEMPTS: '1' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('is for admins only: intake keys get 403, no key 401', async () => {
    const source = await t.http().post('/sources').set(admin).send({ name: 'bot' }).expect(201);
    const { body } = await t.http().post(`/sources/${source.body.id}/keys`).set(admin).expect(201);
    const intake = { 'X-API-Key': body.key as string };
    const hook = { url: 'https://crm.example.com/hooks' };
    await t.http().post('/webhooks').set(intake).send(hook).expect(403);
    await t.http().get('/webhooks').set(intake).expect(403);
    await t.http().get('/webhooks/1').set(intake).expect(403);
    await t.http().patch('/webhooks/1').set(intake).send({ is_active: false }).expect(403);
    await t.http().delete('/webhooks/1').set(intake).expect(403);
    await t.http().get('/webhooks/1/deliveries').set(intake).expect(403);
    await t.http().post('/webhooks/1/deliveries/1/retry').set(intake).expect(403);
    await t.http().get('/webhooks').expect(401);
    const created = await t.http().post('/webhooks').set(admin).send(hook).expect(201);
    await t.http().get(`/webhooks/${created.body.id}`).set(admin).expect(200);
    await t.http().delete(`/webhooks/${created.body.id}`).set(admin).expect(204);
  });

  it.each([
    ['http://127.0.0.1:8080/hooks', /loopback/],
    ['http://localhost/hooks', /loopback/],
    ['http://[::1]/hooks', /loopback/],
    ['http://[::ffff:127.0.0.1]/hooks', /loopback/],
    ['http://169.254.169.254/latest/meta-data/', /metadata/],
    ['http://[fd00:ec2::254]/', /metadata/],
    ['http://10.0.0.1/hooks', /private/],
    ['http://192.168.1.10/hooks', /private/],
    ['http://100.64.0.1/hooks', /carrier-grade NAT/],
    // IPv4-compatible, NAT64 and 6to4 forms of loopback, private and metadata addresses.
    ['http://[::127.0.0.1]/hooks', /IPv4-compatible form of a loopback/],
    ['http://[::7f00:1]/hooks', /IPv4-compatible form of a loopback/],
    ['http://[::a9fe:a9fe]/latest/meta-data/', /IPv4-compatible form of a link-local/],
    ['http://[64:ff9b::127.0.0.1]/hooks', /NAT64/],
    ['http://[64:ff9b::a00:1]/hooks', /NAT64/],
    ['http://[64:ff9b:1::7f00:1]/hooks', /local-use NAT64/],
    ['http://[64:ff9b:1:a00:1::]/hooks', /local-use NAT64/],
    ['http://[2002:7f00:1::]/hooks', /6to4 form of a loopback/],
    ['http://[2002:a00:1::1]/hooks', /6to4 form of a private/],
    ['http://[2002:a9fe:a9fe::]/latest/meta-data/', /6to4 form of a link-local/],
    [`http://${ownName}:8080/hooks`, /resolves to a/],
  ])('refuses %s with 400 at creation', async (url, why) => {
    const response = await t.http().post('/webhooks').set(admin).send({ url });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.message)).toMatch(why);
    // Naming the field, as every validation message does.
    expect(response.body.message).toEqual([expect.stringMatching(/^url /)]);
  });

  it('refuses a private target on PATCH too', async () => {
    const created = await t
      .http()
      .post('/webhooks')
      .set(admin)
      .send({ url: 'https://crm.example.com/hooks' })
      .expect(201);
    await t
      .http()
      .patch(`/webhooks/${created.body.id}`)
      .set(admin)
      .send({ url: 'http://127.0.0.1/' })
      .expect(400);
    await t.http().delete(`/webhooks/${created.body.id}`).set(admin).expect(204);
  });

  it('re-checks at send time, after DNS resolution: a name resolving to loopback gets nothing', async () => {
    // Subscriptions that slipped in (an older version, a name re-pointed since creation).
    const now = new Date();
    const urls = [receiver.url('/literal'), `http://${ownName}:${receiver.port}/by-name`];
    for (const url of urls) {
      await readerQuery(t.writer.manager).query(
        'INSERT INTO webhook_subscriptions (url, event_mask, source_id, description, is_active, ' +
          'secret, created_at, updated_at) VALUES (?, 31, NULL, NULL, ?, ?, ?, ?)',
        [url, true, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw6kV8BpZqzJU=', now, now],
      );
    }
    const source = await t.http().post('/sources').set(admin).send({ name: 'form' }).expect(201);
    await t
      .http()
      .post('/requests')
      .set(admin)
      .send({ lead_external_id: 'ssrf', source_id: source.body.id })
      .expect(201);
    const dispatcher = t.app.get(WebhookDispatcherService);
    await dispatcher.tick();
    expect(receiver.received).toEqual([]);
    const list = await t.http().get('/webhooks').set(admin).expect(200);
    for (const subscription of list.body as Body[]) {
      const deliveries = await t
        .http()
        .get(`/webhooks/${subscription.id}/deliveries?status=dead`)
        .set(admin)
        .expect(200);
      expect(deliveries.body.length).toBeGreaterThan(0);
      for (const delivery of deliveries.body as Body[]) {
        expect(delivery.last_status_code).toBeNull();
        expect(delivery.last_error).toMatch(
          subscription.url.includes('/literal') ? /loopback/ : /resolves to a .* address/,
        );
      }
    }
  });
});
