import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { expectLoadInvariants, rowCounts } from '../utils/invariants';
import { expectConflict } from '../utils/conflict';

describe('Requests (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function sourceWithOperator(maxLoad = 10) {
    const operator = await given(t).operator({ name: 'Alice', max_load: maxLoad });
    const source = await given(t).source();
    await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    return { operator, source };
  }

  it('registers a request, creates its lead and assigns the configured operator', async () => {
    const { operator, source } = await sourceWithOperator();
    const response = await t
      .http()
      .post('/requests')
      .send({
        lead_external_id: 'customer_12345',
        source_id: source.id,
        message: 'I have a question about pricing',
        lead_name: 'Jane Smith',
        lead_email: 'jane@example.com',
        lead_phone: '+1234567890',
      })
      .expect(201);
    expect(response.body).toEqual({
      id: expect.any(Number),
      lead_id: expect.any(Number),
      source_id: source.id,
      operator_id: operator.id,
      operator_name: 'Alice',
      status: 'active',
      message: 'I have a question about pricing',
      created_at: expect.stringMatching(/Z$/),
      assigned_at: response.body.created_at,
      updated_at: response.body.created_at,
      skills: [],
      priority: 0,
      skills_relaxed: false,
      pending_offer: null,
      effective_priority: null,
    });
    await t.http().get(`/requests/${response.body.id}`).expect(200, response.body);
    const lead = await t.http().get(`/leads/${response.body.lead_id}`).expect(200);
    expect(lead.body).toMatchObject({
      external_id: 'customer_12345',
      name: 'Jane Smith',
      email: 'jane@example.com',
      phone: '+1234567890',
      requests: [{ ...response.body, source_name: source.name }],
    });
    const op = await t.http().get(`/operators/${operator.id}`).expect(200);
    expect(op.body.current_load).toBe(1);
  });

  it('stores the request unassigned (201, operator_id null) when nobody is configured', async () => {
    const source = await given(t).source();
    const response = await given(t).request(source.id);
    expect(response).toMatchObject({ operator_id: null, operator_name: null, status: 'active' });
  });

  it('recognises a lead across sources, fills blank contact fields and keeps existing ones', async () => {
    const s1 = await given(t).source();
    const s2 = await given(t).source();
    const first = await given(t).request(s1.id, {
      lead_external_id: 'same-customer',
      lead_name: 'Jane',
    });
    const second = await given(t).request(s2.id, {
      lead_external_id: 'same-customer',
      lead_name: 'Somebody else',
      lead_email: 'jane@example.com',
    });
    expect(second.lead_id).toBe(first.lead_id);
    const lead = await t.http().get(`/leads/${first.lead_id}`).expect(200);
    expect(lead.body).toMatchObject({ name: 'Jane', email: 'jane@example.com', phone: null });
    expect(lead.body.requests.map((r: { source_name: string }) => r.source_name)).toEqual([
      s1.name,
      s2.name,
    ]);

    const all = await t.http().get('/requests/leads/all').expect(200);
    expect(all.body.find((l: { id: number }) => l.id === first.lead_id)).toEqual(lead.body);
    const leads = await t.http().get('/leads?limit=1000').expect(200);
    expect(leads.headers['x-total-count']).toBe(all.headers['x-total-count']);
    await t.http().get('/leads/987654').expect(404);
  });

  it('refuses an unknown source with 404 and writes nothing, not even the lead', async () => {
    const before = await rowCounts(t.dataSource);
    const response = await t
      .http()
      .post('/requests')
      .send({ lead_external_id: 'ghost', source_id: 987654 })
      .expect(404);
    expect(response.body.message).toContain('source 987654');
    expect(await rowCounts(t.dataSource)).toEqual(before);
  });

  it.each([
    [{ source_id: 1 }, 'lead_external_id'],
    [{ lead_external_id: '', source_id: 1 }, 'lead_external_id'],
    [{ lead_external_id: 'x'.repeat(256), source_id: 1 }, 'lead_external_id'],
    [{ lead_external_id: 'a' }, 'source_id'],
    [{ lead_external_id: 'a', source_id: 'one' }, 'source_id'],
    [{ lead_external_id: 'a', source_id: 0 }, 'source_id'],
    [{ lead_external_id: 'a', source_id: 1, lead_email: 'not-an-email' }, 'lead_email'],
    [{ lead_external_id: 'a', source_id: 1, message: 'x'.repeat(10001) }, 'message'],
    [{ lead_external_id: 'a', source_id: 1, operator_id: 1 }, 'operator_id'],
    [{ lead_external_id: '   ', source_id: 1 }, 'lead_external_id'],
    [{ lead_external_id: 'a\u0000b', source_id: 1 }, 'lead_external_id'],
    [{ lead_external_id: 'a', source_id: 1, lead_name: 'x\u0000' }, 'lead_name'],
  ])('rejects %j with 400 naming %s and writes nothing', async (body, field) => {
    const before = await rowCounts(t.dataSource);
    const response = await t.http().post('/requests').send(body).expect(400);
    expect(JSON.stringify(response.body.message)).toContain(field);
    expect(await rowCounts(t.dataSource)).toEqual(before);
  });

  it('answers 400 for malformed JSON and 413 for a body over the limit, writing nothing', async () => {
    const before = await rowCounts(t.dataSource);
    const malformed = await t
      .http()
      .post('/requests')
      .set('Content-Type', 'application/json')
      .send('{"lead_external_id": ')
      .expect(400);
    expect(malformed.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [expect.any(String)],
    });
    const huge = await t
      .http()
      .post('/requests')
      .send({ lead_external_id: 'big', source_id: 1, message: 'x'.repeat(200 * 1024) })
      .expect(413);
    expect(huge.body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: expect.any(String),
    });
    expect(await rowCounts(t.dataSource)).toEqual(before);
  });

  it('filters the list by source, operator, lead and status, with X-Total-Count', async () => {
    const { operator, source } = await sourceWithOperator();
    const other = await given(t).source();
    const a = await given(t).request(source.id, { lead_external_id: 'filter-lead' });
    const b = await given(t).request(source.id);
    const c = await given(t).request(other.id, { lead_external_id: 'filter-lead' });
    await t.http().patch(`/requests/${b.id}/status?status=closed`).expect(200);

    const ids = async (query: string) => {
      const response = await t.http().get(`/requests?${query}`).expect(200);
      expect(response.headers['x-total-count']).toBe(String(response.body.length));
      return response.body.map((r: { id: number }) => r.id);
    };
    expect(await ids(`source_id=${source.id}`)).toEqual([a.id, b.id]);
    expect(await ids(`operator_id=${operator.id}`)).toEqual([a.id, b.id]);
    expect(await ids(`lead_id=${a.lead_id}`)).toEqual([a.id, c.id]);
    expect(await ids(`source_id=${source.id}&status=closed`)).toEqual([b.id]);
    expect(await ids(`source_id=${source.id}&status=active`)).toEqual([a.id]);

    const paged = await t
      .http()
      .get(`/requests?source_id=${source.id}&limit=1&offset=1`)
      .expect(200);
    expect(paged.body.map((r: { id: number }) => r.id)).toEqual([b.id]);
    expect(paged.headers['x-total-count']).toBe('2');

    for (const query of [
      'status=open',
      'source_id=0',
      'operator_id=x',
      'lead_id=-2',
      'limit=5000',
    ]) {
      const response = await t.http().get(`/requests?${query}`).expect(400);
      expect(JSON.stringify(response.body.message)).toContain(query.split('=')[0]);
    }
  });

  describe('status', () => {
    it('closes (query or body), frees load, is idempotent and reopens within capacity', async () => {
      const { operator, source } = await sourceWithOperator(1);
      const req = await given(t).request(source.id);
      expect(req.operator_id).toBe(operator.id);

      const closed = await t.http().patch(`/requests/${req.id}/status?status=closed`).expect(200);
      expect(closed.body).toEqual({ ...req, status: 'closed', updated_at: expect.any(String) });
      expect(Date.parse(closed.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(req.updated_at));
      await t.http().patch(`/requests/${req.id}/status`).send({ status: 'closed' }).expect(200);
      expect((await t.http().get(`/operators/${operator.id}`)).body.current_load).toBe(0);

      const reopened = await t
        .http()
        .patch(`/requests/${req.id}/status`)
        .send({ status: 'active' })
        .expect(200);
      expect(reopened.body.status).toBe('active');
      expect((await t.http().get(`/operators/${operator.id}`)).body.current_load).toBe(1);

      // Full again: a new request goes unassigned, and a second reopen is refused.
      await t.http().patch(`/requests/${req.id}/status?status=closed`).expect(200);
      const other = await given(t).request(source.id);
      expect(other.operator_id).toBe(operator.id);
      const refused = await expectConflict(
        t.http().patch(`/requests/${req.id}/status?status=active`),
        'AT_CAPACITY',
      );
      expect(refused.body.message).toContain('capacity');
      expect((await t.http().get(`/requests/${req.id}`)).body.status).toBe('closed');
      await expectLoadInvariants(t.dataSource);
    });

    it('rejects a missing or unknown status with 400 and an unknown request with 404', async () => {
      const source = await given(t).source();
      const req = await given(t).request(source.id);
      for (const call of [
        t.http().patch(`/requests/${req.id}/status`),
        t.http().patch(`/requests/${req.id}/status?status=done`),
        t.http().patch(`/requests/${req.id}/status`).send({ status: 'open' }),
        t.http().patch(`/requests/${req.id}/status?status=closed`).send({ status: 'active' }),
      ]) {
        const response = await call.expect(400);
        expect(JSON.stringify(response.body.message)).toContain('status');
      }
      await t.http().patch('/requests/987654/status?status=closed').expect(404);
      await t.http().get('/requests/987654').expect(404);
      await t.http().get('/requests/abc').expect(400);
    });
  });

  it('reports distribution stats per source against the configured weights', async () => {
    const a = await given(t).operator({ name: 'StatsA' });
    const b = await given(t).operator({ name: 'StatsB', is_active: false });
    const source = await given(t).source({ name: 'Stats source' });
    await given(t).weights(source.id, [
      { operator_id: a.id, weight: 1 },
      { operator_id: b.id, weight: 3 },
    ]);
    const first = await given(t).request(source.id);
    await given(t).request(source.id);
    await t.http().patch(`/requests/${first.id}/status?status=closed`).expect(200);
    await t.http().patch(`/operators/${a.id}`).send({ is_active: false }).expect(200);
    await given(t).request(source.id);

    const response = await t.http().get('/requests/distribution/stats?limit=1000').expect(200);
    expect(response.headers['x-total-count']).toBe(String(response.body.length));
    expect(response.body.find((s: { source_id: number }) => s.source_id === source.id)).toEqual({
      source_id: source.id,
      source_name: 'Stats source',
      strategy: 'weighted-random',
      total_requests: 3,
      unassigned_requests: 1,
      waiting_requests: 1,
      oldest_waiting_at: expect.stringMatching(/Z$/),
      operators: [
        {
          operator_id: a.id,
          operator_name: 'StatsA',
          weight: 1,
          requests: 2,
          active_requests: 1,
          share: 1,
          expected_share: 0.25,
        },
        {
          operator_id: b.id,
          operator_name: 'StatsB',
          weight: 3,
          requests: 0,
          active_requests: 0,
          share: 0,
          expected_share: 0.75,
        },
      ],
    });
  });
});
