import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

describe('Service (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('GET /health reports the database', async () => {
    await t.http().get('/health').expect(200, { status: 'ok', database: 'up' });
  });

  it('serves Swagger UI at /docs and the OpenAPI document at /docs-json', async () => {
    const ui = await t.http().get('/docs').expect(200);
    expect(ui.text).toContain('swagger');

    const { body: doc } = await t.http().get('/docs-json').expect(200);
    expect(doc.openapi).toMatch(/^3\./);
    const expected: Record<string, string[]> = {
      '/operators': ['get', 'post'],
      '/operators/{id}': ['get', 'patch'],
      '/sources': ['get', 'post'],
      '/sources/{id}': ['get', 'patch'],
      '/sources/{id}/simulate': ['post'],
      '/strategies': ['get'],
      '/requests/{id}/decision': ['get'],
      '/sources/{id}/weights': ['get', 'post'],
      '/requests': ['get', 'post'],
      '/requests/{id}': ['get'],
      '/requests/{id}/status': ['patch'],
      '/requests/leads/all': ['get'],
      '/requests/distribution/stats': ['get'],
      '/leads': ['get'],
      '/leads/{id}': ['get'],
      '/sources/{id}/keys': ['get', 'post'],
      '/sources/{id}/keys/{key_id}': ['delete'],
      '/health': ['get'],
      '/health/live': ['get'],
      '/health/ready': ['get'],
      '/metrics': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(Object.keys(doc.paths[path] ?? {}).sort()).toEqual(methods);
    }
    // Every route documents its error responses, and every schema field carries an example.
    for (const [path, operations] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        const codes = Object.keys(operation.responses);
        // Any route may find the database unreachable (AppExceptionFilter answers 503).
        expect({ path, method, has503: codes.includes('503') }).toEqual({
          path,
          method,
          has503: true,
        });
        // Public routes (no key, no rate limit) have no client error to document.
        if (!/^\/(health|metrics)/.test(path))
          expect({ path, method, has4xx: codes.some((c) => c.startsWith('4')) }).toEqual({
            path,
            method,
            has4xx: true,
          });
      }
    }
    for (const [name, schema] of Object.entries<any>(doc.components.schemas)) {
      for (const [field, property] of Object.entries<any>(schema.properties ?? {})) {
        const documented =
          property.example !== undefined || property.$ref || property.items || property.allOf;
        expect({ name, field, documented: Boolean(documented) }).toEqual({
          name,
          field,
          documented: true,
        });
      }
    }
  });

  it('keeps every answered request across a restart on the same database', async () => {
    const first = await createTestApp();
    const source = await given(first).source();
    const created = await Promise.all(
      Array.from({ length: 20 }, () => given(first).request(source.id)),
    );
    await first.stop();

    const restarted = await createTestApp({ database: first.database });
    try {
      const list = await restarted.http().get(`/requests?source_id=${source.id}`).expect(200);
      expect(list.body).toEqual(created.sort((a, b) => a.id - b.id));
    } finally {
      await restarted.stop();
      await first.database.drop();
    }
  });
});
