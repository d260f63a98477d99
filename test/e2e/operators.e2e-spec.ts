import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { countRows } from '../utils/invariants';

describe('Operators (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates an operator with defaults and returns the contract shape', async () => {
    const response = await t.http().post('/operators').send({ name: 'John Doe' }).expect(201);
    expect(response.body).toEqual({
      id: expect.any(Number),
      name: 'John Doe',
      is_active: true,
      max_load: 10,
      current_load: 0,
      offered_load: 0,
      skills: [],
      presence: 'available',
      presence_reason: null,
      presence_since: response.body.created_at,
      schedule: null,
      on_shift: true,
      next_shift_change_at: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const fetched = await t.http().get(`/operators/${response.body.id}`).expect(200);
    expect(fetched.body).toEqual(response.body);
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(201) }, 'name'],
    [{ name: 42 }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 'A', max_load: -1 }, 'max_load'],
    [{ name: 'A', max_load: 100001 }, 'max_load'],
    [{ name: 'A', max_load: 1.5 }, 'max_load'],
    [{ name: 'A', max_load: '5' }, 'max_load'],
    [{ name: 'A', max_load: null }, 'max_load'],
    [{ name: 'A', is_active: 'yes' }, 'is_active'],
    [{ name: 'A', is_active: null }, 'is_active'],
    [{ name: 'A', current_load: 3 }, 'current_load'],
  ])('rejects %j with 400 naming %s and writes nothing', async (body, field) => {
    const before = await countRows(t.dataSource, 'operators');
    const response = await t.http().post('/operators').send(body).expect(400);
    expect(JSON.stringify(response.body.message)).toContain(field);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(await countRows(t.dataSource, 'operators')).toBe(before);
  });

  it('patches any subset of fields and keeps the rest', async () => {
    const op = await given(t).operator({ name: 'Before', max_load: 5 });
    const patched = await t
      .http()
      .patch(`/operators/${op.id}`)
      .send({ is_active: false })
      .expect(200);
    expect(patched.body).toMatchObject({
      id: op.id,
      name: 'Before',
      is_active: false,
      max_load: 5,
    });
    const renamed = await t
      .http()
      .patch(`/operators/${op.id}`)
      .send({ name: 'After', max_load: 0 })
      .expect(200);
    expect(renamed.body).toMatchObject({ name: 'After', is_active: false, max_load: 0 });
    await t.http().patch(`/operators/${op.id}`).send({ max_load: null }).expect(400);
    await t.http().patch(`/operators/${op.id}`).send({ current_load: 1 }).expect(400);
  });

  it('answers 404 for an unknown operator and 400 for an id that is not a positive integer', async () => {
    const missing = await t.http().get('/operators/999999').expect(404);
    expect(missing.body.message).toContain('operator 999999');
    await t.http().patch('/operators/999999').send({ name: 'x' }).expect(404);
    for (const bad of ['0', '-1', 'abc', '1.5', '99999999999']) {
      const response = await t.http().get(`/operators/${bad}`).expect(400);
      expect(JSON.stringify(response.body.message)).toContain('id');
    }
  });

  it('lists by id with limit, offset and X-Total-Count', async () => {
    for (let i = 0; i < 3; i++) await given(t).operator();
    const total = await countRows(t.dataSource, 'operators');
    const all = await t.http().get('/operators').expect(200);
    expect(all.headers['x-total-count']).toBe(String(total));
    const ids = all.body.map((o: { id: number }) => o.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    const page = await t.http().get('/operators?limit=2&offset=1').expect(200);
    expect(page.body.map((o: { id: number }) => o.id)).toEqual(ids.slice(1, 3));
    expect(page.headers['x-total-count']).toBe(String(total));

    for (const query of ['limit=0', 'limit=1001', 'offset=-1', 'limit=abc', 'unknown=1']) {
      await t.http().get(`/operators?${query}`).expect(400);
    }
  });
});
