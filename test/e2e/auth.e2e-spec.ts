import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { countRows } from '../utils/invariants';

const ADMIN = 'admin-key-for-tests-0001';
const OTHER_ADMIN = 'admin-key-for-tests-0002';
const PUBLIC_ROUTES = /^\/(health(\/.*)?|metrics)$/;
/** About the caller itself: only an operator key (operator-keys.e2e-spec.ts); others get 401. */
const OPERATOR_ONLY_ROUTES = /^\/me(\/.*)?$/;

type Method = 'get' | 'post' | 'patch' | 'delete' | 'put';
interface Route {
  method: Method;
  path: string;
}

/** Every operation of the OpenAPI document, with its path parameters filled in. */
function routesOf(doc: { paths: Record<string, Record<string, unknown>> }): Route[] {
  return Object.entries(doc.paths).flatMap(([template, operations]) =>
    Object.keys(operations)
      .filter((m): m is Method => ['get', 'post', 'patch', 'delete', 'put'].includes(m))
      .map((method) => ({ method, path: template.replace(/\{[^}]+\}/g, '1') })),
  );
}

describe('Authentication and authorization (e2e)', () => {
  let t: TestApp;
  let routes: Route[];
  const admin = () => ({ Authorization: `Bearer ${ADMIN}` });
  const send = (route: Route, headers: Record<string, string> = {}) =>
    t.http()[route.method](route.path).set(headers).send({});

  beforeAll(async () => {
    t = await createTestApp({
      // This suite walks every route with wrong keys on purpose: no failed-auth limit here
      // (security.e2e-spec.ts tests it).
      env: { ADMIN_API_KEYS: `${ADMIN}, ${OTHER_ADMIN}`, AUTH_FAILURES_PER_MINUTE: '0' },
    });
    const { body: doc } = await t.http().get('/docs-json').expect(200);
    routes = routesOf(doc);
  });
  afterAll(() => t.close());

  /** The usual factories, sending these headers on every call. */
  const as = (headers: Record<string, string>) =>
    given({ ...t, http: () => request.agent(t.url).set(headers) });

  it('finds every route of the API in the OpenAPI document', () => {
    // Guards against an empty matrix: the document lists every controller route.
    expect(routes.length).toBeGreaterThanOrEqual(20);
    expect(routes).toContainEqual({ method: 'post', path: '/requests' });
    expect(routes).toContainEqual({ method: 'delete', path: '/sources/1/keys/1' });
  });

  it('answers 401 with WWW-Authenticate on every non-public route without a key, or with a wrong one', async () => {
    for (const route of routes.filter((r) => !PUBLIC_ROUTES.test(r.path))) {
      for (const headers of [
        {} as Record<string, string>,
        { Authorization: 'Bearer wrong-key-000000000000' },
        { 'X-API-Key': 'lds_not-a-real-key' },
        { Authorization: `Basic ${Buffer.from(`x:${ADMIN}`).toString('base64')}` },
      ]) {
        const response = await send(route, headers);
        expect({ ...route, headers, status: response.status }).toEqual({
          ...route,
          headers,
          status: 401,
        });
        expect(response.headers['www-authenticate']).toMatch(/^Bearer realm=/);
        expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      }
    }
  });

  it('lets an admin key through on every route, as Bearer or X-API-Key', async () => {
    // An event stream never ends: event-stream.e2e-spec.ts checks it lets admins in.
    for (const route of routes.filter((r) => r.path !== '/events/stream')) {
      for (const headers of [admin(), { 'X-API-Key': OTHER_ADMIN }]) {
        const { status } = await send(route, headers);
        // /me has nobody to answer for with an admin key: 401, as without an operator key.
        if (OPERATOR_ONLY_ROUTES.test(route.path)) {
          expect({ ...route, status }).toEqual({ ...route, status: 401 });
          continue;
        }
        expect({ ...route, allowed: status !== 401 && status !== 403 && status < 500 }).toEqual({
          ...route,
          allowed: true,
        });
      }
    }
  });

  it('keeps /health*, /docs and /docs-json open without a key; /metrics takes an admin key', async () => {
    for (const route of routes.filter((r) => PUBLIC_ROUTES.test(r.path))) {
      const expected = route.path === '/metrics' ? 401 : 200;
      expect({ ...route, status: (await send(route)).status }).toEqual({
        ...route,
        status: expected,
      });
    }
    await t.http().get('/metrics').set('X-API-Key', ADMIN).expect(200);
    await t.http().get('/docs').expect(200);
    await t.http().get('/docs-json').expect(200);
  });

  describe('intake keys', () => {
    let source: Record<string, any>;
    let otherSource: Record<string, any>;
    let intakeKey: string;
    let intakeKeyId: number;

    beforeAll(async () => {
      source = await as(admin()).source();
      otherSource = await as(admin()).source();
      const operator = await as(admin()).operator({ max_load: 100 });
      await as(admin()).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
      const { body } = await t.http().post(`/sources/${source.id}/keys`).set(admin()).expect(201);
      intakeKey = body.key;
      intakeKeyId = body.id;
    });

    it('issues a key once: 201 {id, key, created_at}; lists keys without the secret', async () => {
      const { body: created } = await t
        .http()
        .post(`/sources/${source.id}/keys`)
        .set(admin())
        .expect(201);
      expect(Object.keys(created).sort()).toEqual(['created_at', 'id', 'key']);
      expect(created.key).toMatch(/^lds_[A-Za-z0-9_-]{43}$/);

      const list = await t.http().get(`/sources/${source.id}/keys`).set(admin()).expect(200);
      expect(list.headers['x-total-count']).toBe('2');
      expect(list.body.map((k: any) => k.id)).toEqual([intakeKeyId, created.id]);
      expect(list.body[1]).toEqual({
        id: created.id,
        source_id: source.id,
        prefix: created.key.slice(0, 12),
        created_at: created.created_at,
        revoked_at: null,
      });
      expect(JSON.stringify(list.body)).not.toContain(created.key);

      await t.http().post('/sources/987654/keys').set(admin()).expect(404);
      await t.http().get('/sources/987654/keys').set(admin()).expect(404);
    });

    it('stores only the SHA-256 of the key', async () => {
      const rows: Array<Record<string, unknown>> = await t.dataSource
        .createQueryBuilder()
        .select('*')
        .from('source_api_keys', 'k')
        .where('k.id = :id', { id: intakeKeyId })
        .getRawMany();
      expect(rows[0].key_hash).toBe(createHash('sha256').update(intakeKey).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(intakeKey.slice(12));
    });

    it('may POST /requests for its own source, and nothing else (403)', async () => {
      for (const headers of [
        { Authorization: `Bearer ${intakeKey}` },
        { 'X-API-Key': intakeKey },
      ]) {
        const created = await t
          .http()
          .post('/requests')
          .set(headers)
          .send({ lead_external_id: 'intake-lead', source_id: source.id })
          .expect(201);
        expect(created.body.source_id).toBe(source.id);
      }
      const before = await countRows(t.dataSource, 'requests');
      const other = await t
        .http()
        .post('/requests')
        .set('X-API-Key', intakeKey)
        .send({ lead_external_id: 'intake-lead', source_id: otherSource.id })
        .expect(403);
      expect(other.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      expect(await countRows(t.dataSource, 'requests')).toBe(before);

      for (const route of routes) {
        if (PUBLIC_ROUTES.test(route.path)) continue;
        if (route.method === 'post' && route.path === '/requests') continue;
        const { status } = await send(route, { 'X-API-Key': intakeKey });
        // /me: an intake key is no operator key (401), as an admin key is not.
        const expected = OPERATOR_ONLY_ROUTES.test(route.path) ? 401 : 403;
        expect({ ...route, status }).toEqual({ ...route, status: expected });
      }
      // Its own source's configuration and keys are admin business too.
      await t.http().get(`/sources/${source.id}/keys`).set('X-API-Key', intakeKey).expect(403);
      await t.http().post(`/sources/${source.id}/keys`).set('X-API-Key', intakeKey).expect(403);
    });

    it('is refused at once after revocation, by every instance on the database', async () => {
      const { body } = await t.http().post(`/sources/${source.id}/keys`).set(admin()).expect(201);
      const key: string = body.key;
      const second = await createTestApp({ database: t.database, env: { ADMIN_API_KEYS: ADMIN } });
      try {
        const post = (app: TestApp) =>
          app
            .http()
            .post('/requests')
            .set('X-API-Key', key)
            .send({ lead_external_id: 'revoked-lead', source_id: source.id });
        await post(t).expect(201);
        await post(second).expect(201);

        await t.http().delete(`/sources/${source.id}/keys/${body.id}`).set(admin()).expect(204);

        for (const app of [t, second]) {
          const refused = await post(app).expect(401);
          expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
        }
        const list = await t.http().get(`/sources/${source.id}/keys`).set(admin()).expect(200);
        expect(list.body.find((k: any) => k.id === body.id).revoked_at).toEqual(expect.any(String));
        // Revoking again is a no-op; another source's key or an unknown key is 404.
        await t.http().delete(`/sources/${source.id}/keys/${body.id}`).set(admin()).expect(204);
        await t
          .http()
          .delete(`/sources/${otherSource.id}/keys/${intakeKeyId}`)
          .set(admin())
          .expect(404);
        await t.http().delete(`/sources/${source.id}/keys/987654`).set(admin()).expect(404);
        // The other key of the source still works.
        await t
          .http()
          .post('/requests')
          .set('X-API-Key', intakeKey)
          .send({ lead_external_id: 'still-works', source_id: source.id })
          .expect(201);
      } finally {
        await second.stop();
      }
    });
  });
});

describe('Authentication off (ADMIN_API_KEYS unset)', () => {
  let t: TestApp;
  let warnings: string[];
  beforeAll(async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      t = await createTestApp();
      warnings = warn.mock.calls.map(([message]) => String(message));
    } finally {
      warn.mockRestore();
    }
  });
  afterAll(() => t.close());

  it('logs one warning at start-up saying the API is open', () => {
    expect(warnings.filter((w) => w.includes('ADMIN_API_KEYS'))).toHaveLength(1);
  });

  it('serves every route without a key, as before', async () => {
    const source = await given(t).source();
    await t.http().get('/operators').expect(200);
    await t.http().post(`/sources/${source.id}/keys`).expect(201);
    await t
      .http()
      .post('/requests')
      .send({ lead_external_id: 'open-lead', source_id: source.id })
      .expect(201);
  });
});
