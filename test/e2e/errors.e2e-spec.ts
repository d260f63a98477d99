import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { rowCounts } from '../utils/invariants';

/** The error shape clients rely on: 400 `message` is a list of strings, each naming its field. */
describe('Error bodies (e2e)', () => {
  let t: TestApp;
  let sourceId: number;

  beforeAll(async () => {
    t = await createTestApp();
    sourceId = (await given(t).source()).id as number;
  });
  afterAll(() => t.close());

  it('names a missing required field once, as "is required"', async () => {
    const response = await t
      .http()
      .post('/requests')
      .send({ lead_external_id: 'customer_1' })
      .expect(400);
    expect(response.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['source_id is required'],
    });
    const empty = await t.http().post('/operators').send({}).expect(400);
    expect(empty.body.message).toEqual(['name is required']);
    const weights = await t
      .http()
      .post(`/sources/${sourceId}/weights`)
      .send([{ operator_id: 1 }])
      .expect(400);
    expect(weights.body.message).toEqual(['[0].weight is required']);
  });

  it('answers 415 to a body that is not JSON, and writes nothing', async () => {
    const before = await rowCounts(t.dataSource);
    const form = await t
      .http()
      .post('/requests')
      .type('form')
      .send(`{"lead_external_id":"customer_1","source_id":${sourceId}}`)
      .expect(415);
    expect(form.body).toEqual({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: expect.stringContaining('Content-Type: application/json'),
    });
    await t.http().post('/operators').set('Content-Type', 'text/plain').send('Ann').expect(415);
    // A JSON body with parameters, or a +json type, is JSON.
    await t
      .http()
      .post('/operators')
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ name: 'Ann' }))
      .expect(201);
    // A route without a body needs no Content-Type.
    await t.http().get('/operators').expect(200);
    expect((await rowCounts(t.dataSource)).operators).toBe(before.operators + 1);
  });

  it('gives every 400 a list of strings, in the same words from the query or the body', async () => {
    const request = await given(t).request(sourceId);
    const missing = await t.http().patch(`/requests/${request.id}/status`).expect(400);
    const fromQuery = await t
      .http()
      .patch(`/requests/${request.id}/status?status=bogus`)
      .expect(400);
    const fromBody = await t
      .http()
      .patch(`/requests/${request.id}/status`)
      .send({ status: 'bogus' })
      .expect(400);
    const malformed = await t
      .http()
      .post('/operators')
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    const badId = await t.http().get('/operators/abc').expect(400);
    const badLimit = await t.http().get('/operators?limit=0').expect(400);
    for (const response of [missing, fromQuery, fromBody, malformed, badId, badLimit]) {
      expect(response.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: [expect.any(String)],
      });
    }
    expect(missing.body.message[0]).toMatch(/^status is required .*active, closed/);
    expect(fromQuery.body.message).toEqual(['status must be one of: active, closed']);
    expect(fromBody.body.message).toEqual(fromQuery.body.message);
  });
  it('answers a JSON body that is not an object with one message, and keeps array bodies working', async () => {
    for (const body of ['null', '5', '"x"', '[]', 'true']) {
      const response = await t
        .http()
        .post('/operators')
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(400);
      expect([body, response.body]).toEqual([
        body,
        { statusCode: 400, error: 'Bad Request', message: ['the body must be a JSON object'] },
      ]);
    }
    const patched = await t
      .http()
      .patch(`/sources/${sourceId}`)
      .set('Content-Type', 'application/json')
      .send('null')
      .expect(400);
    expect(patched.body.message).toEqual(['the body must be a JSON object']);
    // POST /sources/{id}/weights takes an array: it still does, and refuses an object.
    await t.http().post(`/sources/${sourceId}/weights`).send([]).expect(200);
    const notArray = await t
      .http()
      .post(`/sources/${sourceId}/weights`)
      .set('Content-Type', 'application/json')
      .send('null')
      .expect(400);
    expect(notArray.body.message).toEqual([expect.stringMatching(/array/)]);
  });

  it('gives a field of the wrong type one message: its type', async () => {
    const operator = await t.http().post('/operators').send({ name: 'Typed', max_load: '5' });
    expect(operator.status).toBe(400);
    expect(operator.body.message).toEqual(['max_load must be an integer']);
    const request = await t
      .http()
      .post('/requests')
      .send({ lead_external_id: 5, source_id: sourceId });
    expect(request.status).toBe(400);
    expect(request.body.message).toEqual(['lead_external_id must be a string']);
    // A value of the right type that breaks a range still says so.
    const range = await t.http().post('/operators').send({ name: 'Typed', max_load: -1 });
    expect(range.body.message).toEqual([expect.stringMatching(/^max_load must not be less than/)]);
  });
});
