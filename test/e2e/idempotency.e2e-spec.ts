import { hashBody } from '../../src/idempotency/body-hash';
import { IdempotencyKey } from '../../src/idempotency/entities/idempotency-key.entity';
import { ABANDONED_CLAIM_MS, IdempotencyService } from '../../src/idempotency/idempotency.service';
import { given, requestFactory } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { countRows } from '../utils/invariants';
import { expectConflict } from '../utils/conflict';

const HOUR = 3_600_000;

describe('Idempotent intake (e2e)', () => {
  let t: TestApp;
  let sourceId: number;
  let keySequence = 0;
  const newKey = () => `idem-${Date.now()}-${++keySequence}`;
  const post = (body: object, key?: string) => {
    const test = t.http().post('/requests');
    return (key === undefined ? test : test.set('Idempotency-Key', key)).send(body);
  };
  const requestsOfLead = async (externalId: string) => {
    const row = await t.dataSource
      .createQueryBuilder()
      .select('COUNT(*)', 'n')
      .from('requests', 'r')
      .innerJoin('leads', 'l', 'l.id = r.lead_id')
      .where('l.external_id = :externalId', { externalId })
      .getRawOne();
    return Number(row.n);
  };
  /** Moves every stored key of this Idempotency-Key back in time. */
  const age = (key: string, ms: number) =>
    t.writer
      .createQueryBuilder()
      .update(IdempotencyKey)
      .set({ createdAt: new Date(Date.now() - ms) })
      .where('key = :key', { key })
      .execute();

  beforeAll(async () => {
    t = await createTestApp();
    const operator = await given(t).operator({ max_load: 1000 });
    const source = await given(t).source();
    sourceId = source.id;
    await given(t).weights(sourceId, [{ operator_id: operator.id, weight: 1 }]);
  });
  afterAll(() => t.close());

  it('replays the stored 201 for a retry with the same key and body, creating nothing', async () => {
    const key = newKey();
    const body = requestFactory.build(sourceId);
    const first = await post(body, key).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const before = await countRows(t.dataSource, 'requests');
    // The same body with its fields in another order is the same body.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    for (const retry of [body, reordered]) {
      const replay = await post(retry, key).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
    }
    expect(await countRows(t.dataSource, 'requests')).toBe(before);
    expect(await requestsOfLead(body.lead_external_id)).toBe(1);
  });

  it('answers 422 for the same key with a different body, creating nothing', async () => {
    const key = newKey();
    const body = requestFactory.build(sourceId);
    await post(body, key).expect(201);
    const before = await countRows(t.dataSource, 'requests');
    const mismatch = await post({ ...body, message: 'another message' }, key).expect(422);
    expect(mismatch.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
    expect(await countRows(t.dataSource, 'requests')).toBe(before);
  });

  it('answers 409 while the first request with the key is in flight', async () => {
    const key = newKey();
    const body = requestFactory.build(sourceId);
    // What a concurrent first request leaves while its transaction runs: a claim without response.
    await t.writer.getRepository(IdempotencyKey).insert({
      scope: 'anonymous',
      key,
      bodyHash: hashBody(body),
      statusCode: null,
      response: null,
      createdAt: new Date(),
    });
    await expectConflict(post(body, key), 'IDEMPOTENCY_CONTENDED');
    expect(await requestsOfLead(body.lead_external_id)).toBe(0);

    // A claim whose process died is taken over once it is old enough.
    await age(key, ABANDONED_CLAIM_MS + 1000);
    await post(body, key).expect(201);
    expect(await requestsOfLead(body.lead_external_id)).toBe(1);
  });

  it('creates exactly one request under a burst of 50 identical retries', async () => {
    const key = newKey();
    const body = requestFactory.build(sourceId);
    const responses = await Promise.all(Array.from({ length: 50 }, () => post(body, key)));

    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(created.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    expect(await requestsOfLead(body.lead_external_id)).toBe(1);

    // Once the first is done, every retry is a replay.
    const late = await post(body, key).expect(201);
    expect(late.body.id).toBe(created[0].body.id);
  });

  it('releases the key when the request fails, so a corrected retry goes through', async () => {
    const key = newKey();
    const body = requestFactory.build(987654);
    await post(body, key).expect(404);
    expect(await countRows(t.dataSource, 'idempotency_keys', `key = '${key}'`)).toBe(0);
    const corrected = await post({ ...body, source_id: sourceId }, key).expect(201);
    expect(corrected.body.source_id).toBe(sourceId);
  });

  it('refuses an Idempotency-Key that is empty or longer than 255 characters', async () => {
    const body = requestFactory.build(sourceId);
    await post(body, '').expect(400);
    const tooLong = await post(body, 'k'.repeat(256)).expect(400);
    expect(JSON.stringify(tooLong.body.message)).toContain('Idempotency-Key');
    await post(body, 'k'.repeat(255)).expect(201);
  });

  it('stores nothing for requests without the header', async () => {
    const before = await countRows(t.dataSource, 'idempotency_keys');
    const body = requestFactory.build(sourceId);
    await post(body).expect(201);
    await post(body).expect(201);
    expect(await requestsOfLead(body.lead_external_id)).toBe(2);
    expect(await countRows(t.dataSource, 'idempotency_keys')).toBe(before);
  });

  it('forgets keys after IDEMPOTENCY_TTL_HOURS: ignored at once, then purged', async () => {
    const key = newKey();
    const body = requestFactory.build(sourceId);
    const first = await post(body, key).expect(201);
    await age(key, 24 * HOUR + 60_000);

    const again = await post(body, key).expect(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body.id).not.toBe(first.body.id);

    const stale = newKey();
    await post(requestFactory.build(sourceId), stale).expect(201);
    await age(stale, 25 * HOUR);
    const fresh = newKey();
    await post(requestFactory.build(sourceId), fresh).expect(201);

    const purged = await t.app.get(IdempotencyService).purgeExpired();
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await countRows(t.dataSource, 'idempotency_keys', `key = '${stale}'`)).toBe(0);
    expect(await countRows(t.dataSource, 'idempotency_keys', `key = '${fresh}'`)).toBe(1);
    expect(await countRows(t.dataSource, 'idempotency_keys', `key = '${key}'`)).toBe(1);
  });
});

describe('Idempotency keys per caller (e2e)', () => {
  const A = 'first-admin-key-000000';
  const B = 'second-admin-key-00000';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_API_KEYS: `${A},${B}`, IDEMPOTENCY_TTL_HOURS: '2' } });
  });
  afterAll(() => t.close());

  it('keeps each API key’s Idempotency-Keys apart', async () => {
    const { body: source } = await t
      .http()
      .post('/sources')
      .set('X-API-Key', A)
      .send({ name: 'scoped' })
      .expect(201);
    const { body: intake } = await t
      .http()
      .post(`/sources/${source.id}/keys`)
      .set('X-API-Key', A)
      .expect(201);
    const body = requestFactory.build(source.id);
    const ids = new Set<number>();
    for (const key of [A, B, intake.key, A]) {
      const response = await t
        .http()
        .post('/requests')
        .set({ 'X-API-Key': key, 'Idempotency-Key': 'shared-key' })
        .send(body)
        .expect(201);
      ids.add(response.body.id);
    }
    // A, B and the intake key each created one; A's second call was a replay.
    expect(ids.size).toBe(3);
    expect(await countRows(t.dataSource, 'idempotency_keys')).toBe(3);
  });

  it('honours IDEMPOTENCY_TTL_HOURS', async () => {
    const body = requestFactory.build(1);
    const send = () =>
      t.http().post('/requests').set({ 'X-API-Key': A, 'Idempotency-Key': 'ttl-key' }).send(body);
    const first = await send().expect(201);
    await t.writer
      .createQueryBuilder()
      .update(IdempotencyKey)
      .set({ createdAt: new Date(Date.now() - 2 * HOUR - 1000) })
      .execute();
    const second = await send().expect(201);
    expect(second.body.id).not.toBe(first.body.id);
  });
});
