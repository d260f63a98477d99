import { createTestApp, TestApp } from '../utils/create-test-app';

const ADMIN = 'admin-key-for-staffing-01';

/** The contract's example (api.md, after pyworkforce's README). */
const EXAMPLE = {
  arrivals: 100,
  interval_minutes: 30,
  aht_seconds: 180,
  target_answer_seconds: 20,
  target_service_level: 0.8,
  max_occupancy: 0.85,
  shrinkage: 0.3,
};

describe('Erlang C calculator (e2e)', () => {
  let t: TestApp;
  const post = (body: unknown) =>
    t
      .http()
      .post('/staffing/erlang-c')
      .set('X-API-Key', ADMIN)
      .send(body as object);

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_API_KEYS: ADMIN } });
  });
  afterAll(() => t.close());

  it('answers the published example: 14 servers, 20 people', async () => {
    const { body } = await post(EXAMPLE).expect(200);
    expect(body).toEqual({
      traffic_erlangs: 10,
      raw_agents: 14,
      agents: 20,
      service_level: 0.8884,
      p_wait: 0.1741,
      asa_seconds: 7.84,
      occupancy: 0.7143,
    });
  });

  it('defaults max_occupancy to 1 and shrinkage to 0', async () => {
    const rest: Partial<typeof EXAMPLE> = { ...EXAMPLE };
    delete rest.max_occupancy;
    delete rest.shrinkage;
    const { body } = await post(rest).expect(200);
    expect(body).toMatchObject({ raw_agents: 14, agents: 14 });
    // A cap that binds: 10 erlangs at most 50% busy need 20 servers, more than the target needs.
    const capped = await post({ ...rest, max_occupancy: 0.5 }).expect(200);
    expect(capped.body).toMatchObject({ raw_agents: 20, agents: 20, occupancy: 0.5 });
  });

  it('needs nobody when nothing arrives', async () => {
    const { body } = await post({ ...EXAMPLE, arrivals: 0 }).expect(200);
    expect(body).toEqual({
      traffic_erlangs: 0,
      raw_agents: 0,
      agents: 0,
      service_level: 1,
      p_wait: 0,
      asa_seconds: 0,
      occupancy: 0,
    });
  });

  it('answers 10 000 erlangs', async () => {
    // 20 000 arrivals an hour of 30 minutes each.
    const { body } = await post({
      ...EXAMPLE,
      arrivals: 20_000,
      interval_minutes: 60,
      aht_seconds: 1800,
    }).expect(200);
    expect(body.traffic_erlangs).toBe(10_000);
    expect(body.raw_agents).toBeGreaterThan(10_000);
    expect(body.service_level).toBeGreaterThanOrEqual(0.8);
  });

  it.each([
    ['arrivals', { arrivals: -1 }, 'arrivals must not be less than 0'],
    ['interval_minutes', { interval_minutes: 0 }, 'interval_minutes must be greater than 0'],
    ['aht_seconds', { aht_seconds: -5 }, 'aht_seconds must be greater than 0'],
    ['aht_seconds', { aht_seconds: 0 }, 'aht_seconds must be greater than 0'],
    [
      'target_answer_seconds',
      { target_answer_seconds: -1 },
      'target_answer_seconds must not be less than 0',
    ],
    [
      'target_service_level',
      { target_service_level: 0 },
      'target_service_level must be greater than 0',
    ],
    [
      'target_service_level',
      { target_service_level: 1 },
      'target_service_level must be less than 1',
    ],
    ['max_occupancy', { max_occupancy: 0 }, 'max_occupancy must be greater than 0'],
    ['max_occupancy', { max_occupancy: 1.01 }, 'max_occupancy must not be greater than 1'],
    ['shrinkage', { shrinkage: -0.1 }, 'shrinkage must not be less than 0'],
    ['shrinkage', { shrinkage: 1 }, 'shrinkage must be less than 1'],
    [
      'arrivals',
      { arrivals: '100' },
      'arrivals must be a number conforming to the specified constraints',
    ],
    [
      'max_occupancy',
      { max_occupancy: null },
      'max_occupancy must be a number conforming to the specified constraints',
    ],
    [
      'arrivals',
      { arrivals: 1e9 },
      'arrivals × aht_seconds / (interval_minutes × 60) must be at most 100000 erlangs',
    ],
    ['an unknown field', { agents: 3 }, 'property agents should not exist'],
  ])('answers 400 naming %s (%j)', async (_field, change, message) => {
    const { body } = await post({ ...EXAMPLE, ...change }).expect(400);
    expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message: [message] });
  });

  it('answers 400 naming every missing field', async () => {
    const { body } = await post({}).expect(400);
    expect(body.message).toEqual([
      'arrivals is required',
      'interval_minutes is required',
      'aht_seconds is required',
      'target_answer_seconds is required',
      'target_service_level is required',
    ]);
  });

  it('needs an admin key', async () => {
    await t.http().post('/staffing/erlang-c').send(EXAMPLE).expect(401);
    await t
      .http()
      .post('/staffing/erlang-c')
      .set('X-API-Key', 'lds_not-a-key')
      .send(EXAMPLE)
      .expect(401);
  });
});
