import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { countRows, rowCounts } from '../utils/invariants';
import { expectConflict } from '../utils/conflict';

describe('Sources (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates, gets and lists sources', async () => {
    const created = await t
      .http()
      .post('/sources')
      .send({ name: 'Telegram Bot', description: 'Main Telegram channel' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      name: 'Telegram Bot',
      description: 'Main Telegram channel',
      sticky: false,
      strategy: null,
      required_skills: [],
      skill_fallback_seconds: null,
      default_priority: 0,
      priority_aging_per_minute: 0,
      assignment: 'direct',
      offer_timeout_seconds: 60,
      created_at: expect.any(String),
    });
    await t.http().get(`/sources/${created.body.id}`).expect(200, created.body);
    const list = await t.http().get('/sources').expect(200);
    expect(list.body).toContainEqual(created.body);
    expect(list.headers['x-total-count']).toBe(String(list.body.length));
    const noDescription = await t.http().post('/sources').send({ name: 'Web form' }).expect(201);
    expect(noDescription.body.description).toBeNull();
  });

  it('refuses a taken name with 409 and writes nothing', async () => {
    await given(t).source({ name: 'Unique name' });
    const before = await countRows(t.dataSource, 'sources');
    const response = await expectConflict(
      t.http().post('/sources').send({ name: 'Unique name' }),
      'NAME_TAKEN',
    );
    expect(response.body.message).toContain('Unique name');
    expect(await countRows(t.dataSource, 'sources')).toBe(before);
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(201) }, 'name'],
    [{ name: 'ok', description: 'x'.repeat(2001) }, 'description'],
    [{ name: 'ok', extra: 1 }, 'extra'],
  ])('rejects %j with 400 naming %s', async (body, field) => {
    const response = await t.http().post('/sources').send(body).expect(400);
    expect(JSON.stringify(response.body.message)).toContain(field);
  });

  it('answers 404 for an unknown source', async () => {
    await t.http().get('/sources/424242').expect(404);
    await t.http().get('/sources/424242/weights').expect(404);
    await t.http().post('/sources/424242/weights').send([]).expect(404);
  });

  describe('weights', () => {
    it('replaces the whole configuration and reads it back', async () => {
      const [a, b, c] = [
        await given(t).operator({ name: 'A' }),
        await given(t).operator({ name: 'B' }),
        await given(t).operator({ name: 'C' }),
      ];
      const source = await given(t).source();
      const first = await t
        .http()
        .post(`/sources/${source.id}/weights`)
        .send([
          { operator_id: a.id, weight: 10 },
          { operator_id: b.id, weight: 30 },
        ])
        .expect(200);
      expect(first.body).toEqual([
        { operator_id: a.id, operator_name: 'A', weight: 10 },
        { operator_id: b.id, operator_name: 'B', weight: 30 },
      ]);
      const second = await t
        .http()
        .post(`/sources/${source.id}/weights`)
        .send([
          { operator_id: c.id, weight: 60 },
          { operator_id: b.id, weight: 0 },
        ])
        .expect(200);
      expect(second.body).toEqual([
        { operator_id: b.id, operator_name: 'B', weight: 0 },
        { operator_id: c.id, operator_name: 'C', weight: 60 },
      ]);
      await t.http().get(`/sources/${source.id}/weights`).expect(200, second.body);
      const page = await t.http().get(`/sources/${source.id}/weights?limit=1&offset=1`).expect(200);
      expect(page.body).toEqual([second.body[1]]);
      expect(page.headers['x-total-count']).toBe('2');

      await t.http().post(`/sources/${source.id}/weights`).send([]).expect(200, []);
      await t.http().get(`/sources/${source.id}/weights`).expect(200, []);
    });

    it('changes nothing when an operator is unknown (404) or repeated (400) or a weight is bad', async () => {
      const a = await given(t).operator();
      const source = await given(t).source();
      await given(t).weights(source.id, [{ operator_id: a.id, weight: 5 }]);
      const before = await rowCounts(t.dataSource);

      const unknown = await t
        .http()
        .post(`/sources/${source.id}/weights`)
        .send([
          { operator_id: a.id, weight: 1 },
          { operator_id: 987654, weight: 1 },
        ])
        .expect(404);
      expect(unknown.body.message).toContain('987654');

      const repeated = await t
        .http()
        .post(`/sources/${source.id}/weights`)
        .send([
          { operator_id: a.id, weight: 1 },
          { operator_id: a.id, weight: 2 },
        ])
        .expect(400);
      expect(JSON.stringify(repeated.body.message)).toContain('operator_id');

      const cases: Array<[unknown, string]> = [
        [[{ operator_id: a.id, weight: -1 }], '[0].weight'],
        [[{ operator_id: a.id, weight: 1000001 }], '[0].weight'],
        [[{ operator_id: a.id, weight: 1.5 }], '[0].weight'],
        [[{ operator_id: a.id }], '[0].weight'],
        [[{ operator_id: 0, weight: 1 }], '[0].operator_id'],
        [[{ operator_id: a.id, weight: 1, extra: true }], 'extra'],
        [['x'], '[0]'],
        [{ operator_id: a.id, weight: 1 }, 'array'],
        [Array.from({ length: 1001 }, (_, i) => ({ operator_id: i + 1, weight: 1 })), '1000'],
      ];
      for (const [body, field] of cases) {
        const response = await t
          .http()
          .post(`/sources/${source.id}/weights`)
          .send(body as object)
          .expect(400);
        expect(JSON.stringify(response.body.message)).toContain(field);
      }

      expect(await rowCounts(t.dataSource)).toEqual(before);
      await t
        .http()
        .get(`/sources/${source.id}/weights`)
        .expect(200, [{ operator_id: a.id, operator_name: a.name, weight: 5 }]);
    });
  });
});
