import { Webhook } from 'standardwebhooks';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { eventually, Receiver, startReceiver } from '../utils/webhook-receiver';

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
        events: [
          'request.created',
          'request.assigned',
          'request.waiting',
          'request.closed',
          'request.reopened',
        ],
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
  });
});
