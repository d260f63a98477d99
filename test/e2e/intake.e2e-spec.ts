import { PostgresIntake, READ_REUSE_MS } from '../../src/requests/lifecycle/postgres-intake';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { expectQuiescentInvariants } from '../utils/invariants';

type Body = Record<string, any>;

/**
 * What an intake stores, whichever way it went: on PostgreSQL an assigned intake is one read and
 * one statement (PostgresIntake), a waiting or round-robin one a transaction (RequestLifecycleService);
 * on SQLite always the transaction. The rows must be the same.
 */
describe('Intake writes (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { DRAIN_INTERVAL_MS: '0' } });
  });
  afterAll(() => t.close());

  async function storedEvents(requestId: number): Promise<Array<Record<string, unknown>>> {
    return t.dataSource.query(
      `SELECT type, operator_id, trigger, actor, request FROM request_events
        WHERE request_id = ${Number(requestId)} ORDER BY id`,
    );
  }

  it.each([
    ['weighted-random', 'assigned at once'],
    ['weighted-round-robin', 'with a round-robin turn'],
  ])('%s: the events carry the request exactly as answered (%s)', async (strategy) => {
    const operator = await given(t).operator({ max_load: 5 });
    const source = await given(t).source({ strategy });
    await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    const body = await given(t).request(source.id, { message: 'Hi "there"' });
    expect(body.operator_id).toBe(operator.id);

    const events = await storedEvents(body.id);
    expect(events.map((e) => [e.type, e.trigger, e.actor])).toEqual([
      ['created', null, 'intake'],
      ['assigned', 'intake', 'intake'],
    ]);
    expect(events.map((e) => Number(e.operator_id ?? 0))).toEqual([0, operator.id]);
    // The very text the API answered with (webhooks and the stream send it as stored).
    for (const event of events) expect(event.request).toBe(JSON.stringify(body));
    const decision = (await t.http().get(`/requests/${body.id}/decision`).expect(200)).body;
    expect(decision).toMatchObject({ chosen_operator_id: operator.id, trigger: 'intake' });
    await expectQuiescentInvariants(t.dataSource);
  });

  it('never assigns to an operator taken off the source or deactivated a moment before', async () => {
    const [a, b] = [
      await given(t).operator({ max_load: 50 }),
      await given(t).operator({ max_load: 50 }),
    ];
    const source = await given(t).source();
    await given(t).weights(source.id, [
      { operator_id: a.id, weight: 1 },
      { operator_id: b.id, weight: 1 },
    ]);
    // These intakes leave a read of the source behind, which on PostgreSQL serves the next
    // intakes for a moment (here for the whole test): the claim must refuse what changed since.
    t.app.get(PostgresIntake).readReuseMs = 60_000;
    for (let i = 0; i < 4; i++) await given(t).request(source.id);
    await given(t).weights(source.id, [
      { operator_id: a.id, weight: 0 },
      { operator_id: b.id, weight: 1 },
    ]);
    for (let i = 0; i < 8; i++) expect((await given(t).request(source.id)).operator_id).toBe(b.id);
    await given(t).weights(source.id, [
      { operator_id: a.id, weight: 1 },
      { operator_id: b.id, weight: 1 },
    ]);
    await t.http().patch(`/operators/${b.id}`).send({ is_active: false }).expect(200);
    for (let i = 0; i < 8; i++) expect((await given(t).request(source.id)).operator_id).toBe(a.id);
    await expectQuiescentInvariants(t.dataSource);
    t.app.get(PostgresIntake).readReuseMs = READ_REUSE_MS;
  });

  it('never assigns to an operator whose shift ended or changed after the read', async () => {
    const [a, b] = [
      await given(t).operator({ max_load: 50 }),
      await given(t).operator({ max_load: 50 }),
    ];
    const source = await given(t).source();
    await given(t).weights(source.id, [
      { operator_id: a.id, weight: 1 },
      { operator_id: b.id, weight: 1 },
    ]);
    // As above: on PostgreSQL the read that saw b on shift serves the next intakes.
    t.app.get(PostgresIntake).readReuseMs = 60_000;
    for (let i = 0; i < 4; i++) await given(t).request(source.id);
    // b has no hours today or tomorrow: off shift from now on.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString();
    await t
      .http()
      .patch(`/operators/${b.id}`)
      .send({
        schedule: {
          time_zone: 'UTC',
          weekly: [{ day: 'mon', start: '09:00', end: '10:00' }],
          exceptions: [{ date: day(0).slice(0, 10) }, { date: day(1).slice(0, 10) }],
        },
      })
      .expect(200);
    for (let i = 0; i < 8; i++) expect((await given(t).request(source.id)).operator_id).toBe(a.id);
    await expectQuiescentInvariants(t.dataSource);
    t.app.get(PostgresIntake).readReuseMs = READ_REUSE_MS;
  });

  it('fills missing contact fields of a returning lead and keeps the others', async () => {
    const operator = await given(t).operator({ max_load: 5 });
    const source = await given(t).source();
    await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    const lead = `returning-${Date.now()}`;
    const first = await given(t).request(source.id, {
      lead_external_id: lead,
      lead_name: 'Jo',
    });
    const second = await given(t).request(source.id, {
      lead_external_id: lead,
      lead_name: 'Someone else',
      lead_email: 'jo@example.com',
      lead_phone: '+100',
    });
    expect(second.lead_id).toBe(first.lead_id);
    const stored = (await t.http().get(`/leads/${first.lead_id}`).expect(200)).body as Body;
    expect(stored).toMatchObject({ name: 'Jo', email: 'jo@example.com', phone: '+100' });
    expect(stored.requests.map((r: Body) => r.id)).toEqual([first.id, second.id]);
  });

  it('a request for an unknown source is a 404 and writes no lead', async () => {
    const lead = `nowhere-${Date.now()}`;
    await t
      .http()
      .post('/requests')
      .send({ lead_external_id: lead, source_id: 987654 })
      .expect(404);
    const rows: unknown[] = await t.dataSource.query(
      `SELECT id FROM leads WHERE external_id = '${lead}'`,
    );
    expect(rows).toEqual([]);
  });

  it('waits when nobody has room, then takes the unit a close frees', async () => {
    const operator = await given(t).operator({ max_load: 1 });
    const source = await given(t).source();
    await given(t).weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    const held = await given(t).request(source.id);
    const waiting = await given(t).request(source.id);
    expect(waiting.operator_id).toBeNull();
    expect((await storedEvents(waiting.id)).map((e) => e.type)).toEqual(['created', 'waiting']);
    await t.http().patch(`/requests/${held.id}/status?status=closed`).expect(200);
    const now = (await t.http().get(`/requests/${waiting.id}`).expect(200)).body as Body;
    expect(now.operator_id).toBe(operator.id);
    await expectQuiescentInvariants(t.dataSource);
  });
});
