import { createHash } from 'node:crypto';
import request from 'supertest';
import { OPERATOR_KEY_REQUIRED, OPERATOR_KEY_SCOPE } from '../../src/auth/api-key.guard';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { countRows } from '../utils/invariants';

const ADMIN = 'admin-key-for-tests-0001';
type Body = Record<string, any>;
type Headers = Record<string, string>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface Route {
  method: Method;
  /** Express's pattern: `/requests/:id/status`. */
  path: string;
}
const routeName = (r: Route) => `${r.method.toUpperCase()} ${r.path}`;

/** Every route the app serves, from Express's router: what Nest and the docs registered. */
function routesOf(t: TestApp): Route[] {
  const router = t.app.getHttpAdapter().getInstance().router as {
    stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
  };
  return router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods).map((m) => ({
          method: m as Method,
          path: layer.route!.path,
        }))
      : [],
  );
}

/**
 * Routes outside API-key authentication (@Public, or pages): an operator key changes nothing
 * there. Listed by name so that a new public route fails the matrix until it is added here.
 */
const PUBLIC = new Set([
  'GET /health',
  'GET /health/live',
  'GET /health/ready',
  'GET /metrics',
  'GET /console/config',
  'GET /console/{*any}',
  'GET /docs',
  'GET /docs/',
  'GET /docs/index.html',
  'GET /docs/LICENSE',
  'GET /docs/swagger-ui-init.js',
  'GET /docs/docs/swagger-ui-init.js',
  'GET /docs-json',
  'GET /docs-yaml',
]);

describe('Operator keys (e2e)', () => {
  let t: TestApp;
  const admin: Headers = { Authorization: `Bearer ${ADMIN}` };
  /** The usual factories, as the admin. */
  const asAdmin = () => given({ ...t, http: () => request.agent(t.url).set(admin) });

  let alice: Body;
  let bob: Body;
  let aliceKey: string;
  let aliceKeyId: number;
  let bobKey: string;
  let intakeKey: string;
  let aliceSource: Body;
  let bobSource: Body;
  let idleSource: Body;
  /** Offers its requests (assignment: offer) to Alice alone. */
  let offerSource: Body;
  const asAlice = (): Headers => ({ 'X-API-Key': aliceKey });

  const issue = async (operatorId: number): Promise<Body> =>
    (await t.http().post(`/operators/${operatorId}/keys`).set(admin).expect(201)).body;
  const aliceRequest = () => asAdmin().request(aliceSource.id);
  const bobRequest = () => asAdmin().request(bobSource.id);
  /** A request offered to Alice, and its pending offer's id. */
  const offeredToAlice = async () => {
    const offered = await asAdmin().request(offerSource.id);
    expect(offered.pending_offer).toMatchObject({ operator_id: alice.id });
    return { request: offered, offerId: offered.pending_offer.id as number };
  };

  beforeAll(async () => {
    t = await createTestApp({
      // This suite sends wrong keys on purpose: no failed-auth limit here (tested below apart).
      env: { ADMIN_API_KEYS: ADMIN, AUTH_FAILURES_PER_MINUTE: '0', DRAIN_INTERVAL_MS: '0' },
    });
    alice = await asAdmin().operator({ name: 'Alice', max_load: 100 });
    bob = await asAdmin().operator({ name: 'Bob', max_load: 100 });
    aliceSource = await asAdmin().source();
    bobSource = await asAdmin().source();
    idleSource = await asAdmin().source(); // nobody configured: its requests wait
    offerSource = await asAdmin().source({ assignment: 'offer', offer_timeout_seconds: 3600 });
    await asAdmin().weights(offerSource.id, [{ operator_id: alice.id, weight: 1 }]);
    await asAdmin().weights(aliceSource.id, [{ operator_id: alice.id, weight: 1 }]);
    await asAdmin().weights(bobSource.id, [{ operator_id: bob.id, weight: 1 }]);
    ({ key: aliceKey, id: aliceKeyId } = await issue(alice.id));
    ({ key: bobKey } = await issue(bob.id));
    intakeKey = (await t.http().post(`/sources/${aliceSource.id}/keys`).set(admin).expect(201)).body
      .key;
  });
  afterAll(() => t.close());

  describe('issuing, listing and revoking (admin only)', () => {
    it('issues a key once: 201 {id, key, created_at}, stored only as its SHA-256', async () => {
      const created = await issue(bob.id);
      expect(Object.keys(created).sort()).toEqual(['created_at', 'id', 'key']);
      expect(created.key).toMatch(/^ldo_[A-Za-z0-9_-]{43}$/);
      expect(Date.parse(created.created_at)).not.toBeNaN();

      const rows: Body[] = await t.dataSource.query(
        `SELECT operator_id, key_hash, key_prefix FROM operator_api_keys WHERE id = ${Number(created.id)}`,
      );
      expect(rows).toEqual([
        {
          operator_id: bob.id,
          key_hash: createHash('sha256').update(created.key).digest('hex'),
          key_prefix: created.key.slice(0, 12),
        },
      ]);
      expect(JSON.stringify(rows)).not.toContain(created.key.slice(12));
    });

    it('lists an operator’s keys by id without the secret, as a list (limit, offset, X-Total-Count)', async () => {
      const carol = await asAdmin().operator();
      const first = await issue(carol.id);
      const second = await issue(carol.id);
      const list = await t.http().get(`/operators/${carol.id}/keys`).set(admin).expect(200);
      expect(list.headers['x-total-count']).toBe('2');
      expect(list.body).toEqual([
        {
          id: first.id,
          operator_id: carol.id,
          prefix: first.key.slice(0, 12),
          created_at: first.created_at,
          revoked_at: null,
        },
        {
          id: second.id,
          operator_id: carol.id,
          prefix: second.key.slice(0, 12),
          created_at: second.created_at,
          revoked_at: null,
        },
      ]);
      expect(JSON.stringify(list.body)).not.toContain(first.key);
      const page = await t
        .http()
        .get(`/operators/${carol.id}/keys?limit=1&offset=1`)
        .set(admin)
        .expect(200);
      expect(page.headers['x-total-count']).toBe('2');
      expect(page.body.map((k: Body) => k.id)).toEqual([second.id]);
      const bad = await t.http().get(`/operators/${carol.id}/keys?limit=0`).set(admin).expect(400);
      expect(bad.body.message).toEqual([expect.stringContaining('limit')]);
    });

    it('answers 404 for an unknown operator or key, 400 for a bad id, and writes nothing', async () => {
      const before = await countRows(t.dataSource, 'operator_api_keys');
      await t.http().post('/operators/987654/keys').set(admin).expect(404);
      await t.http().get('/operators/987654/keys').set(admin).expect(404);
      const unknown = await t
        .http()
        .delete(`/operators/${alice.id}/keys/987654`)
        .set(admin)
        .expect(404);
      expect(unknown.body.message).toBe(`key 987654 of operator ${alice.id} not found`);
      // Alice's key is not Bob's to revoke.
      await t.http().delete(`/operators/${bob.id}/keys/${aliceKeyId}`).set(admin).expect(404);
      await t.http().delete(`/operators/987654/keys/${aliceKeyId}`).set(admin).expect(404);
      for (const [method, path, field] of [
        ['post', '/operators/abc/keys', 'id'],
        ['get', '/operators/0/keys', 'id'],
        ['delete', `/operators/${alice.id}/keys/x`, 'key_id'],
      ] as const) {
        const response = await t.http()[method](path).set(admin).expect(400);
        expect(response.body.message).toEqual([`${field} must be a positive integer`]);
      }
      expect(await countRows(t.dataSource, 'operator_api_keys')).toBe(before);
      await t.http().get('/me').set(asAlice()).expect(200); // still valid
    });

    it('refuses operator and intake keys (403), even for the operator’s own keys', async () => {
      const before = await countRows(t.dataSource, 'operator_api_keys');
      for (const headers of [asAlice(), { Authorization: `Bearer ${intakeKey}` }]) {
        for (const [method, path] of [
          ['post', `/operators/${alice.id}/keys`],
          ['get', `/operators/${alice.id}/keys`],
          ['delete', `/operators/${alice.id}/keys/${aliceKeyId}`],
          ['post', `/operators/${bob.id}/keys`],
        ] as const) {
          const response = await t.http()[method](path).set(headers);
          expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
        }
      }
      expect(await countRows(t.dataSource, 'operator_api_keys')).toBe(before);
      await t.http().get('/me').set(asAlice()).expect(200); // not revoked
    });
  });

  describe('GET /me and GET /me/requests', () => {
    it('GET /me answers the key’s operator, as GET /operators/{id} does', async () => {
      for (const headers of [asAlice(), { Authorization: `Bearer ${aliceKey}` }]) {
        const me = await t.http().get('/me').set(headers).expect(200);
        const operator = await t.http().get(`/operators/${alice.id}`).set(admin).expect(200);
        expect(me.body).toEqual(operator.body);
      }
      const bobs = await t.http().get('/me').set('X-API-Key', bobKey).expect(200);
      expect(bobs.body.id).toBe(bob.id);
    });

    it('GET /me/requests lists only its active requests, oldest first, as a list', async () => {
      const dave = await asAdmin().operator({ max_load: 100 });
      const source = await asAdmin().source();
      await asAdmin().weights(source.id, [{ operator_id: dave.id, weight: 1 }]);
      const { key } = await issue(dave.id);
      const first = await asAdmin().request(source.id);
      const closed = await asAdmin().request(source.id);
      const third = await asAdmin().request(source.id);
      await t
        .http()
        .patch(`/requests/${closed.id}/status`)
        .set(admin)
        .send({ status: 'closed' })
        .expect(200);
      await bobRequest(); // someone else's
      await asAdmin().request(idleSource.id); // nobody's (waiting)

      const list = await t.http().get('/me/requests').set('X-API-Key', key).expect(200);
      expect(list.headers['x-total-count']).toBe('2');
      expect(list.body.map((r: Body) => [r.id, r.operator_id, r.status])).toEqual([
        [first.id, dave.id, 'active'],
        [third.id, dave.id, 'active'],
      ]);
      const page = await t
        .http()
        .get('/me/requests?limit=1&offset=1')
        .set('X-API-Key', key)
        .expect(200);
      expect(page.headers['x-total-count']).toBe('2');
      expect(page.body.map((r: Body) => r.id)).toEqual([third.id]);
      const bad = await t.http().get('/me/requests?limit=1001').set('X-API-Key', key).expect(400);
      expect(bad.body.message).toEqual([expect.stringContaining('limit')]);
      // Filters of GET /requests are not this route's: an unknown query field is 400.
      await t.http().get(`/me/requests?operator_id=${bob.id}`).set('X-API-Key', key).expect(400);
    });

    it('answers 401 without an operator key: none, a wrong one, an admin or an intake key', async () => {
      for (const path of ['/me', '/me/requests', '/me/offers']) {
        for (const headers of [
          {} as Headers,
          admin,
          { 'X-API-Key': intakeKey },
          { 'X-API-Key': 'ldo_not-a-real-key' },
        ]) {
          const response = await t.http().get(path).set(headers);
          expect({ path, headers, status: response.status }).toEqual({
            path,
            headers,
            status: 401,
          });
          expect(response.headers['www-authenticate']).toMatch(/^Bearer realm=/);
        }
        const asAdminKey = await t.http().get(path).set(admin).expect(401);
        expect(asAdminKey.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: OPERATOR_KEY_REQUIRED,
        });
      }
    });
  });

  describe('presence: its own only', () => {
    it('sets its own presence (actor operator in its history); another operator’s is 403 and unchanged', async () => {
      const away = await t
        .http()
        .put(`/operators/${alice.id}/presence`)
        .set(asAlice())
        .send({ presence: 'away', reason: 'lunch' })
        .expect(200);
      expect(away.body).toMatchObject({ id: alice.id, presence: 'away', presence_reason: 'lunch' });
      await t
        .http()
        .put(`/operators/${alice.id}/presence`)
        .set(asAlice())
        .send({ presence: 'available' })
        .expect(200);
      const history = await t.http().get(`/operators/${alice.id}/events`).set(admin).expect(200);
      expect(history.body.map((e: Body) => [e.presence, e.actor])).toEqual([
        ['away', 'operator'],
        ['available', 'operator'],
      ]);

      const before = (await t.http().get(`/operators/${bob.id}`).set(admin).expect(200)).body;
      for (const id of [bob.id, 987654]) {
        const refused = await t
          .http()
          .put(`/operators/${id}/presence`)
          .set(asAlice())
          .send({ presence: 'offline' })
          .expect(403);
        expect(refused.body.message).toBe(
          `an operator key may only set its own presence (operator ${alice.id}), not operator ${id}'s`,
        );
      }
      expect((await t.http().get(`/operators/${bob.id}`).set(admin).expect(200)).body).toEqual(
        before,
      );
      const bobsHistory = await t.http().get(`/operators/${bob.id}/events`).set(admin).expect(200);
      expect(bobsHistory.body).toEqual([]);
    });
  });

  describe('requests: its own only', () => {
    it('reads its own request and its history; another’s, or a waiting one, is 403; an unknown one 404', async () => {
      const own = await aliceRequest();
      const response = await t.http().get(`/requests/${own.id}`).set(asAlice()).expect(200);
      expect(response.body).toEqual((await t.http().get(`/requests/${own.id}`).set(admin)).body);
      const events = await t.http().get(`/requests/${own.id}/events`).set(asAlice()).expect(200);
      expect(events.body.map((e: Body) => e.type)).toEqual(['created', 'assigned']);

      const others = await bobRequest();
      const waiting = await asAdmin().request(idleSource.id);
      expect(waiting.operator_id).toBeNull();
      for (const id of [others.id, waiting.id]) {
        for (const path of [`/requests/${id}`, `/requests/${id}/events`]) {
          const refused = await t.http().get(path).set(asAlice()).expect(403);
          expect(refused.body).toEqual({
            statusCode: 403,
            error: 'Forbidden',
            message: `request ${id} is neither assigned nor offered to operator ${alice.id}`,
          });
        }
      }
      await t.http().get('/requests/987654').set(asAlice()).expect(404);
      await t.http().get('/requests/987654/events').set(asAlice()).expect(404);

      // Moved to Bob: no longer Alice's to read.
      await t
        .http()
        .post(`/requests/${own.id}/assign`)
        .set(admin)
        .send({ operator_id: bob.id })
        .expect(200);
      await t.http().get(`/requests/${own.id}`).set(asAlice()).expect(403);
      await t.http().get(`/requests/${own.id}`).set('X-API-Key', bobKey).expect(200);
    });

    it('closes its own active request (actor operator; again is a no-op), and nothing else', async () => {
      const own = await aliceRequest();
      const closed = await t
        .http()
        .patch(`/requests/${own.id}/status?status=closed`)
        .set(asAlice())
        .expect(200);
      expect(closed.body).toMatchObject({ id: own.id, status: 'closed', operator_id: alice.id });
      const events = await t.http().get(`/requests/${own.id}/events`).set(admin).expect(200);
      expect(events.body.at(-1)).toMatchObject({ type: 'closed', actor: 'operator' });
      await t
        .http()
        .patch(`/requests/${own.id}/status`)
        .set(asAlice())
        .send({ status: 'closed' })
        .expect(200);

      // Reopening, even its own: 403, still closed.
      const reopen = await t
        .http()
        .patch(`/requests/${own.id}/status`)
        .set(asAlice())
        .send({ status: 'active' })
        .expect(403);
      expect(reopen.body.message).toBe(
        'an operator key may only close requests (status closed), not reopen them',
      );
      expect((await t.http().get(`/requests/${own.id}`).set(admin)).body.status).toBe('closed');

      // Someone else's, or a waiting one: 403, still active, no event written.
      const others = await bobRequest();
      const waiting = await asAdmin().request(idleSource.id);
      const eventsBefore = await countRows(t.dataSource, 'request_events');
      for (const id of [others.id, waiting.id]) {
        const refused = await t
          .http()
          .patch(`/requests/${id}/status`)
          .set(asAlice())
          .send({ status: 'closed' })
          .expect(403);
        expect(refused.body.message).toBe(
          `request ${id} is not assigned to operator ${alice.id}; an operator key may only close its own requests`,
        );
        expect((await t.http().get(`/requests/${id}`).set(admin)).body.status).toBe('active');
      }
      expect(await countRows(t.dataSource, 'request_events')).toBe(eventsBefore);
      await t
        .http()
        .patch('/requests/987654/status')
        .set(asAlice())
        .send({ status: 'closed' })
        .expect(404);
    });
  });

  describe('offers: its own only', () => {
    it('GET /me/offers lists its pending offers by id, as a list; it reads a request offered to it', async () => {
      const first = await offeredToAlice();
      const second = await offeredToAlice();
      const list = await t.http().get('/me/offers').set(asAlice()).expect(200);
      const pending = list.body.filter((o: Body) => [first.offerId, second.offerId].includes(o.id));
      expect(pending.map((o: Body) => [o.id, o.operator_id, o.status])).toEqual([
        [first.offerId, alice.id, 'pending'],
        [second.offerId, alice.id, 'pending'],
      ]);
      expect(Number(list.headers['x-total-count'])).toBe(list.body.length);
      expect(
        list.body.every((o: Body) => o.operator_id === alice.id && o.status === 'pending'),
      ).toBe(true);
      const bobs = await t.http().get('/me/offers').set('X-API-Key', bobKey).expect(200);
      expect(bobs.body).toEqual([]);
      await t.http().get('/me/offers?limit=0').set(asAlice()).expect(400);

      // Offered, not yet assigned: Alice may read it and its history, Bob not, and no one closes it.
      await t.http().get(`/requests/${first.request.id}`).set(asAlice()).expect(200);
      await t.http().get(`/requests/${first.request.id}/events`).set(asAlice()).expect(200);
      await t.http().get(`/requests/${first.request.id}`).set('X-API-Key', bobKey).expect(403);
      await t
        .http()
        .patch(`/requests/${first.request.id}/status`)
        .set(asAlice())
        .send({ status: 'closed' })
        .expect(403);

      // Declined: it is no longer in the list.
      await t.http().post(`/offers/${first.offerId}/decline`).set(asAlice()).send({}).expect(200);
      await t.http().post(`/offers/${second.offerId}/decline`).set(asAlice()).send({}).expect(200);
      const after = await t.http().get('/me/offers').set(asAlice()).expect(200);
      expect(after.body.map((o: Body) => o.id)).not.toContain(first.offerId);
    });

    it('accepts and declines its own offers (actor operator); another operator’s is 403 and unchanged', async () => {
      const toAccept = await offeredToAlice();
      const refused = await t
        .http()
        .post(`/offers/${toAccept.offerId}/accept`)
        .set('X-API-Key', bobKey)
        .expect(403);
      expect(refused.body.message).toBe(`offer ${toAccept.offerId} was made to another operator`);
      await t
        .http()
        .post(`/offers/${toAccept.offerId}/decline`)
        .set('X-API-Key', bobKey)
        .send({})
        .expect(403);
      const offer = await t.http().get(`/offers/${toAccept.offerId}`).set(admin).expect(200);
      expect(offer.body.status).toBe('pending');

      const accepted = await t
        .http()
        .post(`/offers/${toAccept.offerId}/accept`)
        .set(asAlice())
        .expect(200);
      expect(accepted.body).toMatchObject({ id: toAccept.request.id, operator_id: alice.id });
      const events = await t.http().get(`/requests/${toAccept.request.id}/events`).set(asAlice());
      expect(events.body.at(-1)).toMatchObject({ type: 'assigned', actor: 'operator' });
      const mine = await t.http().get('/me/requests').set(asAlice()).expect(200);
      expect(mine.body.map((r: Body) => r.id)).toContain(toAccept.request.id);

      const toDecline = await offeredToAlice();
      const declined = await t
        .http()
        .post(`/offers/${toDecline.offerId}/decline`)
        .set(asAlice())
        .send({ reason: 'busy' })
        .expect(200);
      expect(declined.body).toMatchObject({ id: toDecline.offerId, status: 'declined' });
      // Reading an offer by id is the admin's, even one's own: the desk has GET /me/offers.
      await t.http().get(`/offers/${toDecline.offerId}`).set(asAlice()).expect(403);
    });
  });

  it('answers every route of the app with an operator key: the allowed ones work, every other is 403', async () => {
    const routes = routesOf(t);
    const names = routes.map(routeName);
    // The router and the OpenAPI document agree: every documented operation is served.
    const { body: doc } = await t.http().get('/docs-json').expect(200);
    const documented = Object.entries(doc.paths as Record<string, Body>).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    expect(documented.length).toBeGreaterThanOrEqual(40);
    expect(documented.filter((name) => !names.includes(name))).toEqual([]);

    const own = await aliceRequest();
    const toClose = await aliceRequest();
    const toAccept = await offeredToAlice();
    const toDecline = await offeredToAlice();
    /** What an operator key may call, each with the call and the answer it must get. */
    const allowed: Record<string, { path: string; body?: Body; status: number }> = {
      'GET /me': { path: '/me', status: 200 },
      'GET /me/requests': { path: '/me/requests', status: 200 },
      'GET /me/offers': { path: '/me/offers', status: 200 },
      'POST /offers/:id/accept': { path: `/offers/${toAccept.offerId}/accept`, status: 200 },
      'POST /offers/:id/decline': { path: `/offers/${toDecline.offerId}/decline`, status: 200 },
      'PUT /operators/:id/presence': {
        path: `/operators/${alice.id}/presence`,
        body: { presence: 'available' },
        status: 200,
      },
      'GET /requests/:id': { path: `/requests/${own.id}`, status: 200 },
      'GET /requests/:id/events': { path: `/requests/${own.id}/events`, status: 200 },
      'PATCH /requests/:id/status': {
        path: `/requests/${toClose.id}/status`,
        body: { status: 'closed' },
        status: 200,
      },
    };
    expect(Object.keys(allowed).filter((name) => !names.includes(name))).toEqual([]);

    const outcomes: Array<{ route: string; status: number }> = [];
    const expected: Array<{ route: string; status: number }> = [];
    for (const route of routes) {
      const name = routeName(route);
      if (PUBLIC.has(name)) continue;
      const call = allowed[name] ?? {
        path: route.path.replace(/:[a-z_]+/g, '1'),
        body: {},
        status: 403,
      };
      const response = await t
        .http()
        [route.method](call.path)
        .set(asAlice())
        .send(call.body ?? {});
      outcomes.push({ route: name, status: response.status });
      expected.push({ route: name, status: call.status });
      if (call.status === 403) expect(response.body.message).toBe(OPERATOR_KEY_SCOPE);
    }
    expect(outcomes).toEqual(expected);
    // The matrix covered every route that needs a key: more than the allowed ones.
    expect(outcomes.filter((o) => o.status === 403).length).toBeGreaterThanOrEqual(35);
  });

  describe('revocation', () => {
    it('refuses a revoked key at once (401), on every instance on the database', async () => {
      const erin = await asAdmin().operator();
      const { key, id } = await issue(erin.id);
      const second = await createTestApp({ database: t.database, env: { ADMIN_API_KEYS: ADMIN } });
      try {
        await t.http().get('/me').set('X-API-Key', key).expect(200);
        await second.http().get('/me').set('X-API-Key', key).expect(200);

        await t.http().delete(`/operators/${erin.id}/keys/${id}`).set(admin).expect(204);

        for (const app of [t, second]) {
          for (const call of [
            app.http().get('/me'),
            app.http().put(`/operators/${erin.id}/presence`).send({ presence: 'away' }),
          ]) {
            const refused = await call.set('Authorization', `Bearer ${key}`);
            expect(refused.status).toBe(401);
            expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
            expect(refused.body.message).toBe('invalid or revoked API key');
          }
        }
        const list = await t.http().get(`/operators/${erin.id}/keys`).set(admin).expect(200);
        expect(list.body[0].revoked_at).toEqual(expect.any(String));
        // Revoking again changes nothing; the other operators' keys still work.
        await t.http().delete(`/operators/${erin.id}/keys/${id}`).set(admin).expect(204);
        await t.http().get('/me').set(asAlice()).expect(200);
      } finally {
        await second.stop();
      }
    });
  });
});

describe('Operator keys and failed authentications', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_API_KEYS: ADMIN, AUTH_FAILURES_PER_MINUTE: '2' } });
  });
  afterAll(() => t.close());

  it('counts a revoked or wrong operator key as a failed authentication, a valid admin key on /me not', async () => {
    const admin = { 'X-API-Key': ADMIN };
    const operator = (
      await t.http().post('/operators').set(admin).send({ name: 'Fay' }).expect(201)
    ).body;
    const { body: key } = await t
      .http()
      .post(`/operators/${operator.id}/keys`)
      .set(admin)
      .expect(201);
    await t.http().delete(`/operators/${operator.id}/keys/${key.id}`).set(admin).expect(204);

    // An admin key is no one's own: 401 on /me, but not a failed authentication.
    for (let i = 0; i < 3; i++) await t.http().get('/me').set(admin).expect(401);
    await t.http().get('/operators').set(admin).expect(200);

    await t.http().get('/me').set('X-API-Key', key.key).expect(401);
    await t.http().get('/me').set('X-API-Key', 'ldo_guessed-key-0000000000').expect(401);
    const limited = await t.http().get('/operators').set(admin).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('Operator keys with ADMIN_API_KEYS unset (the open API)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_FAILURES_PER_MINUTE: '2' } });
  });
  afterAll(() => t.close());

  it('answers /me 401 without an operator key (no identity), and honours one with its limits', async () => {
    const operator = await given(t).operator();
    const { body: key } = await t.http().post(`/operators/${operator.id}/keys`).expect(201);

    // Not counted as failed authentications: the open API stays open after many of these.
    for (let i = 0; i < 3; i++) {
      const response = await t.http().get('/me').expect(401);
      expect(response.body.message).toBe(OPERATOR_KEY_REQUIRED);
    }
    await t.http().get('/operators').expect(200);

    const me = await t.http().get('/me').set('X-API-Key', key.key).expect(200);
    expect(me.body.id).toBe(operator.id);
    await t.http().get('/operators').set('X-API-Key', key.key).expect(403);

    await t.http().delete(`/operators/${operator.id}/keys/${key.id}`).expect(204);
    await t.http().get('/me').set('X-API-Key', key.key).expect(401);
    // Any other key is not read on the open API.
    await t.http().get('/operators').set('X-API-Key', 'not-a-key-at-all').expect(200);
  });
});
