import { createTestApp, TestApp } from '../utils/create-test-app';

const ADMIN = 'admin-key-security-0001';
const TOKEN = 'metrics-token-security-01';

describe('Failed authentications per IP (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_API_KEYS: ADMIN } });
  });
  afterAll(() => t.close());

  it('answers 429 after 10 bad keys in a row, before reading any key, with Retry-After', async () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      await t
        .http()
        .get('/operators')
        .set('X-API-Key', `lds_guess_${attempt}_xxxxxxxxxxxxxxxx`)
        .expect(401);
    }
    const limited = await t.http().get('/operators').set('X-API-Key', 'lds_guess_11').expect(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    // Before authentication: even a good key from this address waits.
    await t.http().get('/operators').set('X-API-Key', ADMIN).expect(429);
    // Public routes are not behind the key check.
    await t.http().get('/health').expect(200);
  });
});

describe('/metrics with ADMIN_API_KEYS (e2e)', () => {
  const scrape = (t: TestApp, headers: Record<string, string> = {}) =>
    t.http().get('/metrics').set(headers);

  it('without METRICS_TOKEN: an admin key, nothing else', async () => {
    const t = await createTestApp({ env: { ADMIN_API_KEYS: ADMIN } });
    try {
      const refused = await scrape(t).expect(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
      await scrape(t, { 'X-API-Key': 'not-the-admin-key-000' }).expect(401);
      await scrape(t, { Authorization: `Bearer ${ADMIN}` }).expect(200);
      await scrape(t, { 'X-API-Key': ADMIN }).expect(200);
      const { body: key } = await t
        .http()
        .post('/sources')
        .set('X-API-Key', ADMIN)
        .send({ name: 'Metrics source' })
        .expect(201)
        .then(({ body: source }) =>
          t.http().post(`/sources/${source.id}/keys`).set('X-API-Key', ADMIN).expect(201),
        );
      await scrape(t, { 'X-API-Key': key.key }).expect(401); // an intake key is not enough
    } finally {
      await t.close();
    }
  });

  it('with METRICS_TOKEN: the token or an admin key, nothing else', async () => {
    const t = await createTestApp({ env: { ADMIN_API_KEYS: ADMIN, METRICS_TOKEN: TOKEN } });
    try {
      await scrape(t).expect(401);
      await scrape(t, { Authorization: 'Bearer metrics-token-security-02' }).expect(401);
      await scrape(t, { Authorization: `Bearer ${TOKEN}` }).expect(200);
      await scrape(t, { Authorization: `Bearer ${ADMIN}` }).expect(200);
    } finally {
      await t.close();
    }
  });

  it('stays open without ADMIN_API_KEYS and METRICS_TOKEN', async () => {
    const t = await createTestApp();
    try {
      await scrape(t).expect(200);
    } finally {
      await t.close();
    }
  });
});
