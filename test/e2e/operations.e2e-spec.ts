import { AsyncLocalStorage } from 'node:async_hooks';
import { storage as nestjsPinoStorage } from 'nestjs-pino/storage';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { countRows, expectLoadInvariants } from '../utils/invariants';
import { e2eOnPostgres } from '../utils/test-database';

/** The value of one sample of the Prometheus text, 0 when absent. */
function sample(metrics: string, name: string, labels: Record<string, string>): number {
  const line = metrics
    .split('\n')
    .find(
      (l) =>
        l.startsWith(`${name}{`) &&
        Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('Limits and security headers (e2e)', () => {
  const A = 'rate-limited-key-000001';
  const B = 'rate-limited-key-000002';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_API_KEYS: `${A},${B}`, RATE_LIMIT_PER_MINUTE: '3', BODY_LIMIT: '1kb' },
    });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past RATE_LIMIT_PER_MINUTE, counting per API key', async () => {
    for (let i = 0; i < 3; i++) await t.http().get('/operators').set('X-API-Key', A).expect(200);
    const limited = await t.http().get('/sources').set('X-API-Key', A).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    // Another key has its own budget; health and metrics are never limited.
    await t.http().get('/operators').set('X-API-Key', B).expect(200);
    for (let i = 0; i < 5; i++) {
      await t.http().get('/health').expect(200);
      await t.http().get('/metrics').set('X-API-Key', A).expect(200);
    }
  });

  it('answers 413 for a body over BODY_LIMIT, in the standard error shape', async () => {
    const response = await t
      .http()
      .post('/sources')
      .set('X-API-Key', B)
      .send({ name: 'big', description: 'x'.repeat(2000) })
      .expect(413);
    expect(response.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('sets helmet’s security headers and hides the framework: the API set on JSON, the full set on pages', async () => {
    for (const path of ['/health', '/operators', '/docs', '/docs-json']) {
      const response = await t.http().get(path);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
    for (const path of ['/health', '/operators']) {
      const response = await t.http().get(path);
      // JSON is never a page: nothing may load from it, nothing may frame it.
      expect(response.headers['content-security-policy']).toBe(
        "default-src 'none';frame-ancestors 'none'",
      );
      expect(response.headers['x-frame-options']).toBe('DENY');
      // Headers that only steer how a browser treats a rendered document are left to pages.
      expect(response.headers['cross-origin-opener-policy']).toBeUndefined();
      expect(response.headers['x-dns-prefetch-control']).toBeUndefined();
    }
    const page = await t.http().get('/docs/');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('echoes X-Request-Id, or generates one', async () => {
    const echoed = await t.http().get('/health').set('X-Request-Id', 'trace-abc.123');
    expect(echoed.headers['x-request-id']).toBe('trace-abc.123');
    const generated = await t.http().get('/health');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = await t.http().get('/health').set('X-Request-Id', 'bad id <script>');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    // Also on refused requests.
    const refused = await t.http().get('/operators').set('X-Request-Id', 'refused-1').expect(401);
    expect(refused.headers['x-request-id']).toBe('refused-1');
  });
});

describe('Rate limit by client IP (e2e)', () => {
  it('counts anonymous callers per IP, taken from X-Forwarded-For only with TRUST_PROXY', async () => {
    for (const [trustProxy, separate] of [
      ['true', true],
      ['false', false],
    ] as const) {
      const t = await createTestApp({
        env: { RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: trustProxy },
      });
      try {
        const get = (ip: string) => t.http().get('/operators').set('X-Forwarded-For', ip);
        await get('203.0.113.1').expect(200);
        await get('203.0.113.1').expect(200);
        await get('203.0.113.1').expect(429);
        await get('203.0.113.2').expect(separate ? 200 : 429);
      } finally {
        await t.close();
      }
    }
  });

  it('is off by default', async () => {
    const t = await createTestApp();
    try {
      for (let i = 0; i < 30; i++) await t.http().get('/operators').expect(200);
    } finally {
      await t.close();
    }
  });
});

describe('CORS (e2e)', () => {
  it('allows any origin by default and exposes X-Total-Count', async () => {
    const t = await createTestApp();
    try {
      const response = await t.http().get('/operators').set('Origin', 'https://a.example');
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-expose-headers']).toContain('X-Total-Count');
      const preflight = await t
        .http()
        .options('/requests')
        .set('Origin', 'https://a.example')
        .set('Access-Control-Request-Method', 'POST')
        .expect(204);
      expect(preflight.headers['access-control-allow-methods']).toContain('POST');
      // A call without Origin (a server, a bot) is not a browser's: no CORS headers, but a cache
      // must not give its answer to a browser.
      const server = await t.http().get('/operators');
      expect(server.headers['access-control-allow-origin']).toBeUndefined();
      expect(server.headers.vary).toBe('Origin');
    } finally {
      await t.close();
    }
  });

  it('allows only CORS_ORIGINS when set', async () => {
    const t = await createTestApp({
      env: { CORS_ORIGINS: 'https://crm.example.com, https://admin.example.com' },
    });
    try {
      const allowed = await t.http().get('/operators').set('Origin', 'https://admin.example.com');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example.com');
      const other = await t.http().get('/operators').set('Origin', 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

describe('Metrics (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_API_KEYS: 'admin-key-metrics-0001', METRICS_TOKEN: 'metrics-token-000001' },
    });
  });
  afterAll(() => t.close());
  const admin = { 'X-API-Key': 'admin-key-metrics-0001' };
  const scrape = async () => {
    const response = await t
      .http()
      .get('/metrics')
      .set('Authorization', 'Bearer metrics-token-000001')
      .expect(200);
    expect(response.headers['content-type']).toContain('text/plain');
    return response.text;
  };

  it('needs METRICS_TOKEN or an admin key', async () => {
    const refused = await t.http().get('/metrics').expect(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
    await t.http().get('/metrics').set(admin).expect(200);
    await t.http().get('/metrics').set('Authorization', 'Bearer metrics-token-000002').expect(401);
    await scrape();
  });

  it('exports the event-loop lag and the requests in flight', async () => {
    const text = await scrape();
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p50_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_eventloop_lag_max_seconds',
    ]) {
      expect(text).toMatch(new RegExp(`^${name} [0-9.e+-]+$`, 'm'));
    }
    // The scrape itself is in flight while the gauge is read.
    expect(text).toMatch(/^http_requests_in_flight 1$/m);
  });

  it('moves assignments, loads, capacity, unassigned and latency with the traffic', async () => {
    const { body: operator } = await t
      .http()
      .post('/operators')
      .set(admin)
      .send({ name: 'Metered', max_load: 2 })
      .expect(201);
    const { body: source } = await t
      .http()
      .post('/sources')
      .set(admin)
      .send({ name: 'Metered source' })
      .expect(201);
    await t
      .http()
      .post(`/sources/${source.id}/weights`)
      .set(admin)
      .send([{ operator_id: operator.id, weight: 1 }])
      .expect(200);
    const labels = (outcome: string) => ({ source: String(source.id), outcome });

    const before = await scrape();
    expect(sample(before, 'assignments_total', labels('assigned'))).toBe(0);
    expect(sample(before, 'operator_max_load', { operator: String(operator.id) })).toBe(2);

    for (let i = 0; i < 3; i++) {
      await t
        .http()
        .post('/requests')
        .set(admin)
        .send({ lead_external_id: `metered-${i}`, source_id: source.id })
        .expect(201);
    }
    const after = await scrape();
    expect(sample(after, 'assignments_total', labels('assigned'))).toBe(2);
    expect(sample(after, 'assignments_total', labels('unassigned'))).toBe(1);
    expect(sample(after, 'operator_current_load', { operator: String(operator.id) })).toBe(2);
    expect(sample(after, 'unassigned_requests', { source: String(source.id) })).toBe(1);
    expect(after).toMatch(/^database_up 1$/m);
    expect(
      sample(after, 'http_request_duration_seconds_count', {
        method: 'POST',
        route: '/requests',
        status_code: '201',
      }),
    ).toBe(3);
    // Route templates, not raw paths, keep the label set small.
    expect(after).toContain('route="/sources/:id/weights"');
    expect(after).not.toContain(`route="/sources/${source.id}/weights"`);
  });

  it('keeps each app’s counts apart (one registry per instance)', async () => {
    const other = await createTestApp();
    try {
      const source = await given(other).source();
      await given(other).request(source.id);
      const text = (await other.http().get('/metrics').expect(200)).text;
      expect(sample(text, 'assignments_total', { source: String(source.id) })).toBe(1);
      expect(text).not.toContain('Metered');
      expect(
        sample(text, 'http_request_duration_seconds_count', {
          method: 'POST',
          route: '/requests',
          status_code: '201',
        }),
      ).toBe(1);
    } finally {
      await other.close();
    }
  });
});

describe('Health (e2e)', () => {
  it('reports live and ready, then not ready (503) once the database is gone; no stack leaves', async () => {
    const t = await createTestApp({
      // The failures below are expected: keep their error lines out of the test output.
      env: { ADMIN_API_KEYS: 'admin-key-health-00001', LOG_LEVEL: 'fatal' },
    });
    try {
      await t.http().get('/health').expect(200, { status: 'ok', database: 'up' });
      await t.http().get('/health/live').expect(200);
      const ready = await t.http().get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        details: { database: { status: 'up' }, migrations: { status: 'up' } },
      });

      await t.dataSource.destroy();

      await t.http().get('/health').expect(503, { status: 'error', database: 'down' });
      const notReady = await t.http().get('/health/ready').expect(503);
      expect(notReady.body).toMatchObject({
        status: 'error',
        details: { database: { status: 'down' } },
      });
      await t.http().get('/health/live').expect(200);

      // A defect answers a generic 500: no stack trace, no driver message.
      const failed = await t
        .http()
        .get('/operators')
        .set('X-API-Key', 'admin-key-health-00001')
        .expect(500);
      expect(failed.body).toEqual({ statusCode: 500, message: 'Internal server error' });
      expect(failed.text).not.toMatch(/\bat \w|\.ts:|\.js:|stack/i);
    } finally {
      await t.close();
    }
  });

  it('is not ready while a migration is pending', async () => {
    const t = await createTestApp({ env: { LOG_LEVEL: 'fatal' } });
    try {
      await t.writer.query(
        "DELETE FROM migrations WHERE name = 'ApiKeysAndIdempotency1764158400000'",
      );
      const response = await t.http().get('/health/ready').expect(503);
      expect(response.body.details.migrations.status).toBe('down');
      await t.http().get('/health').expect(200);
    } finally {
      await t.close();
    }
  });
});

// SQLite only: max_page_count stands in for a full disk (PostgreSQL's 53100 is unit-tested).
(e2eOnPostgres ? describe.skip : describe)('A full disk (e2e, SQLite)', () => {
  it('answers a change 503 with Retry-After, writes nothing, keeps reads, and recovers with space', async () => {
    const t = await createTestApp({ env: { LOG_LEVEL: 'fatal' } });
    try {
      const operator = await given(t).operator({ max_load: 100 });
      const source = await given(t).source();
      await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
      const [{ page_count }] = await t.writer.query('PRAGMA page_count');
      await t.writer.query(`PRAGMA max_page_count = ${page_count}`);

      let refused: import('supertest').Response | undefined;
      let created = 0;
      for (let i = 0; i < 50 && !refused; i++) {
        const response = await t
          .http()
          .post('/requests')
          .send({
            lead_external_id: `full-${i}`,
            source_id: source.id,
            message: 'x'.repeat(10000),
          });
        if (response.status === 201) created++;
        else refused = response;
      }
      expect(refused?.status).toBe(503);
      expect(refused?.body.message).toBe(
        "the database's disk is full; nothing was written; retry after the seconds in Retry-After",
      );
      expect(refused?.headers['retry-after']).toBe('60');
      expect(await countRows(t.dataSource, 'requests')).toBe(created);
      await expectLoadInvariants(t.dataSource);
      await t.http().get(`/operators/${operator.id}`).expect(200);
      // The database answers; it only cannot grow.
      await t.http().get('/health').expect(200, { status: 'ok', database: 'up' });

      await t.writer.query('PRAGMA max_page_count = 1073741823');
      await given(t).request(source.id);
      expect(await countRows(t.dataSource, 'requests')).toBe(created + 1);
    } finally {
      await t.close();
    }
  });
});

describe('Per-request work (e2e)', () => {
  it('runs no request inside an AsyncLocalStorage for logging (no async hooks per request)', async () => {
    const t = await createTestApp();
    const anyStorage = jest.spyOn(AsyncLocalStorage.prototype, 'run');
    try {
      await t.http().get('/health').expect(200);
      await t.http().get('/operators').expect(200);
      await t.http().post('/operators').send({ name: 'als', max_load: 1 }).expect(201);
      // The transaction runner keeps its own context (and background loops run transactions);
      // the request logging runs nothing inside one.
      expect(anyStorage.mock.contexts.filter((store) => store === nestjsPinoStorage)).toEqual([]);
    } finally {
      anyStorage.mockRestore();
      await t.close();
    }
  });
});
