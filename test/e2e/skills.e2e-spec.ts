import { readerQuery } from '../../src/database/raw-query';
import { SkillFallbackService } from '../../src/requests/lifecycle/skill-fallback.service';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { eventually } from '../utils/eventually';
import { countRows, expectQuiescentInvariants, rowCounts } from '../utils/invariants';
import { expectConflict } from '../utils/conflict';
import { Receiver, startReceiver } from '../utils/webhook-receiver';

type Body = Record<string, any>;

const MINUTE = 60_000;

/** Skills, priority and fallback: the right person first, nobody starved. */
describe('Skills, priority and fallback (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // No sweep and no fallback timer: each test sees only what its own changes cause.
    t = await createTestApp({ env: { DRAIN_INTERVAL_MS: '0', SKILL_FALLBACK_INTERVAL_MS: '0' } });
  });
  afterAll(() => t.close());
  afterEach(() => expectQuiescentInvariants(t.dataSource));

  const get = async (path: string): Promise<any> => (await t.http().get(path).expect(200)).body;
  const request = (id: number): Promise<Body> => get(`/requests/${id}`);
  const decision = (id: number): Promise<Body> => get(`/requests/${id}/decision`);
  const close = (id: number) => t.http().patch(`/requests/${id}/status?status=closed`).expect(200);
  const ids = (list: Body[]) => list.map((item) => item.id as number);
  const queue = async (sourceId: number): Promise<Body[]> =>
    get(`/requests?waiting=true&source_id=${sourceId}`);

  /** A source served by these operators, each with weight 1. */
  async function sourceWith(operators: Body[], overrides: Body = {}): Promise<Body> {
    const source = await given(t).source(overrides);
    await given(t).weights(
      source.id,
      operators.map((o) => ({ operator_id: o.id, weight: 1 })),
    );
    return source;
  }

  /** Moves a request's arrival back in time, in the database (nothing else notices). */
  const arrivedAgo = (id: number, ms: number) =>
    readerQuery(t.writer.manager).query('UPDATE requests SET created_at = ? WHERE id = ?', [
      new Date(Date.now() - ms),
      id,
    ]);

  /** A 400 whose message names `field`, after which every table holds the same rows. */
  async function expectRefused(call: () => Promise<{ status: number; body: Body }>, field: string) {
    const before = await rowCounts(t.dataSource);
    const events = await countRows(t.dataSource, 'request_events');
    const response = await call();
    expect({ status: response.status, body: response.body }).toMatchObject({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request' },
    });
    expect([response.body.message].flat().join('\n')).toContain(field);
    expect(await rowCounts(t.dataSource)).toEqual(before);
    expect(await countRows(t.dataSource, 'request_events')).toBe(events);
    return response;
  }

  const badSkillLists: Array<[unknown, string]> = [
    ['de', 'must be a list of skill names'],
    [null, 'must be a list of skill names'],
    [['DE'], '[0] must be a skill name'],
    [['de', '-x'], '[1] must be a skill name'],
    [['de', 'd e'], '[1] must be a skill name'],
    [['a'.repeat(65)], '[0] must be a skill name'],
    [[42], '[0] must be a skill name'],
    [['de', 'vip', 'de'], '[2] repeats "de"'],
    [Array.from({ length: 51 }, (_, i) => `s${i}`), 'may hold at most 50 skills'],
  ];
  /** The message skillListProblem gives for `field`. */
  const named = (field: string, message: string) =>
    message.startsWith('[') ? `${field}${message}` : `${field} ${message}`;

  describe('fields and their validation', () => {
    it('operators: skills on POST, replaced whole by PATCH, and GET /operators?skill=', async () => {
      const created = await t
        .http()
        .post('/operators')
        .send({ name: 'Polyglot', skills: ['lang-de', 'vip'] })
        .expect(201);
      expect(created.body.skills).toEqual(['lang-de', 'vip']);
      const plain = await given(t).operator();
      expect(plain.skills).toEqual([]);
      const similar = await given(t).operator({ skills: ['lang-de.at', 'lang-dee'] });

      const patched = await t
        .http()
        .patch(`/operators/${plain.id}`)
        .send({ skills: ['lang-de'] })
        .expect(200);
      expect(patched.body.skills).toEqual(['lang-de']);
      const replaced = await t
        .http()
        .patch(`/operators/${created.body.id}`)
        .send({ skills: ['billing'] })
        .expect(200);
      expect(replaced.body.skills).toEqual(['billing']);
      // A PATCH without skills keeps them.
      await t.http().patch(`/operators/${plain.id}`).send({ name: 'Renamed' }).expect(200);
      expect((await get(`/operators/${plain.id}`)).skills).toEqual(['lang-de']);

      const withDe = (await get('/operators?skill=lang-de&limit=1000')) as Body[];
      expect(ids(withDe)).toEqual([plain.id]);
      const billing = (await get('/operators?skill=billing&limit=1000')) as Body[];
      expect(ids(billing)).toContain(created.body.id);
      expect(ids(billing)).not.toContain(similar.id);
      const response = await t.http().get('/operators?skill=Not_A_Skill').expect(400);
      expect(JSON.stringify(response.body.message)).toContain('skill');
    });

    it.each(badSkillLists)(
      'operators: skills %j → 400 "%s" on POST and PATCH, writing nothing',
      async (skills, message) => {
        const op = await given(t).operator({ skills: ['keep'] });
        await expectRefused(
          () => t.http().post('/operators').send({ name: 'Bad', skills }),
          named('skills', message),
        );
        await expectRefused(
          () => t.http().patch(`/operators/${op.id}`).send({ skills }),
          named('skills', message),
        );
        expect((await get(`/operators/${op.id}`)).skills).toEqual(['keep']);
      },
    );

    it('sources: required_skills, skill_fallback_seconds, default_priority, priority_aging_per_minute', async () => {
      const edges = await given(t).source({
        required_skills: ['vip', 'de'],
        skill_fallback_seconds: 604800,
        default_priority: 100,
        priority_aging_per_minute: 100,
      });
      expect(edges).toMatchObject({
        required_skills: ['de', 'vip'],
        skill_fallback_seconds: 604800,
        default_priority: 100,
        priority_aging_per_minute: 100,
      });
      const low = await given(t).source({
        skill_fallback_seconds: 1,
        default_priority: 0,
        priority_aging_per_minute: 0,
      });
      expect(low).toMatchObject({ required_skills: [], skill_fallback_seconds: 1 });

      const patched = await t
        .http()
        .patch(`/sources/${edges.id}`)
        .send({ required_skills: [], skill_fallback_seconds: null, default_priority: 7 })
        .expect(200);
      expect(patched.body).toMatchObject({
        required_skills: [],
        skill_fallback_seconds: null,
        default_priority: 7,
        priority_aging_per_minute: 100,
      });
      expect(await get(`/sources/${edges.id}`)).toEqual(patched.body);
    });

    it.each<[Body, string]>([
      ...badSkillLists.map(([skills, message]): [Body, string] => [
        { required_skills: skills },
        named('required_skills', message),
      ]),
      [{ skill_fallback_seconds: 0 }, 'skill_fallback_seconds'],
      [{ skill_fallback_seconds: 604801 }, 'skill_fallback_seconds'],
      [{ skill_fallback_seconds: 1.5 }, 'skill_fallback_seconds'],
      [{ skill_fallback_seconds: '60' }, 'skill_fallback_seconds'],
      [{ default_priority: -1 }, 'default_priority'],
      [{ default_priority: 101 }, 'default_priority'],
      [{ default_priority: 2.5 }, 'default_priority'],
      [{ default_priority: null }, 'default_priority'],
      [{ priority_aging_per_minute: -1 }, 'priority_aging_per_minute'],
      [{ priority_aging_per_minute: 101 }, 'priority_aging_per_minute'],
      [{ priority_aging_per_minute: 0.5 }, 'priority_aging_per_minute'],
      [{ priority_aging_per_minute: null }, 'priority_aging_per_minute'],
    ])('sources: %j → 400 naming %s on POST and PATCH, writing nothing', async (body, field) => {
      const source = await given(t).source({ required_skills: ['keep'], default_priority: 3 });
      await expectRefused(
        () =>
          t
            .http()
            .post('/sources')
            .send({ name: `bad ${Math.random()}`, ...body }),
        field,
      );
      await expectRefused(() => t.http().patch(`/sources/${source.id}`).send(body), field);
      expect(await get(`/sources/${source.id}`)).toEqual(source);
    });

    it('requests: skills are the source’s plus their own; priority defaults to the source’s', async () => {
      const source = await given(t).source({ required_skills: ['vip'], default_priority: 30 });
      const own = await given(t).request(source.id, { skills: ['de', 'billing'], priority: 80 });
      expect(own).toMatchObject({
        skills: ['billing', 'de', 'vip'],
        priority: 80,
        skills_relaxed: false,
        operator_id: null,
        effective_priority: 80,
      });
      const plain = await given(t).request(source.id, { skills: ['vip'] });
      expect(plain).toMatchObject({ skills: ['vip'], priority: 30, effective_priority: 30 });
      expect(await request(own.id)).toEqual(own);

      const bySkill = (await get(`/requests?source_id=${source.id}&skill=de`)) as Body[];
      expect(ids(bySkill)).toEqual([own.id]);
      expect(ids(await get(`/requests?source_id=${source.id}&skill=vip`))).toEqual([
        own.id,
        plain.id,
      ]);
      expect(ids(await get(`/requests?source_id=${source.id}&priority=30`))).toEqual([plain.id]);
      expect(ids(await get(`/requests?source_id=${source.id}&skill=de&priority=30`))).toEqual([]);
      expect(ids(await get(`/requests?source_id=${source.id}&skill=d`))).toEqual([]);
      for (const [query, field] of [
        ['skill=DE', 'skill'],
        ['skill=', 'skill'],
        ['priority=101', 'priority'],
        ['priority=-1', 'priority'],
        ['priority=abc', 'priority'],
        ['priority=1.5', 'priority'],
      ]) {
        const response = await t.http().get(`/requests?${query}`).expect(400);
        expect(JSON.stringify(response.body.message)).toContain(field);
      }
      // Not waiting: no effective priority.
      await close(own.id);
      expect((await request(own.id)).effective_priority).toBeNull();
    });

    it.each<[Body, string]>([
      ...badSkillLists.map(([skills, message]): [Body, string] => [
        { skills },
        named('skills', message),
      ]),
      [{ priority: -1 }, 'priority'],
      [{ priority: 101 }, 'priority'],
      [{ priority: 1.5 }, 'priority'],
      [{ priority: '50' }, 'priority'],
      [{ priority: null }, 'priority'],
    ])('requests: %j → 400 naming %s, writing no lead, request or event', async (body, field) => {
      const source = await given(t).source();
      await expectRefused(
        () =>
          t
            .http()
            .post('/requests')
            .send({ lead_external_id: `never-${Math.random()}`, source_id: source.id, ...body }),
        field,
      );
    });
  });

  describe('eligibility', () => {
    it('a request needing `de` goes only to an operator with `de`; the decision says why', async () => {
      const [de, plain, vip] = [
        await given(t).operator({ name: 'De', skills: ['de', 'vip'] }),
        await given(t).operator({ name: 'Plain' }),
        await given(t).operator({ name: 'Vip', skills: ['vip'] }),
      ];
      const inactive = await given(t).operator({ name: 'Off', skills: ['de'], is_active: false });
      const source = await sourceWith([de, plain, vip, inactive], { required_skills: ['vip'] });
      for (let i = 0; i < 5; i++) {
        const r = await given(t).request(source.id, { skills: ['de'] });
        expect(r).toMatchObject({ operator_id: de.id, skills: ['de', 'vip'] });
      }
      // Without `de`, anyone with `vip` may take it.
      const vipOnly = await given(t).request(source.id);
      expect([de.id, vip.id]).toContain(vipOnly.operator_id);

      const last = await given(t).request(source.id, { skills: ['de'] });
      const d = await decision(last.id);
      expect(d).toMatchObject({
        chosen_operator_id: de.id,
        required_skills: ['de', 'vip'],
        skills_relaxed: false,
      });
      const byId = new Map((d.operators as Body[]).map((o) => [o.operator_id, o]));
      expect(byId.get(de.id)).toMatchObject({ eligible: true, reason: null, missing_skills: [] });
      expect(byId.get(plain.id)).toMatchObject({
        eligible: false,
        reason: 'missing_skills',
        missing_skills: ['de', 'vip'],
      });
      expect(byId.get(vip.id)).toMatchObject({
        eligible: false,
        reason: 'missing_skills',
        missing_skills: ['de'],
      });
      expect(byId.get(inactive.id)).toMatchObject({ reason: 'inactive', missing_skills: ['vip'] });
    });

    it('nobody with the skill: the request waits, and its decision lists what each lacks', async () => {
      const [a, b] = [await given(t).operator(), await given(t).operator({ skills: ['fr'] })];
      const source = await sourceWith([a, b]);
      const r = await given(t).request(source.id, { skills: ['de'] });
      expect(r).toMatchObject({ operator_id: null, skills_relaxed: false, effective_priority: 0 });
      expect(ids(await queue(source.id))).toEqual([r.id]);
      const d = await decision(r.id);
      expect(d).toMatchObject({ chosen_operator_id: null, required_skills: ['de'] });
      expect((d.operators as Body[]).map((o) => [o.reason, o.missing_skills])).toEqual([
        ['missing_skills', ['de']],
        ['missing_skills', ['de']],
      ]);
      expect(d.summary).toContain('2 missing_skills');
      // The others still get work.
      expect((await given(t).request(source.id)).operator_id).not.toBeNull();
    });

    it('reassign keeps to the request’s skills: nobody else with them → 409', async () => {
      const de = await given(t).operator({ skills: ['de'] });
      const plain = await given(t).operator();
      const source = await sourceWith([de, plain]);
      const r = await given(t).request(source.id, { skills: ['de'] });
      expect(r.operator_id).toBe(de.id);
      await expectConflict(t.http().post(`/requests/${r.id}/reassign`), 'NO_OTHER_OPERATOR');
      expect((await request(r.id)).operator_id).toBe(de.id);
    });

    it('a person may assign anyway: 200, and the decision lists the missing skills', async () => {
      const plain = await given(t).operator({ name: 'Plain' });
      const source = await sourceWith([plain]);
      const r = await given(t).request(source.id, { skills: ['de', 'vip'] });
      expect(r.operator_id).toBeNull();
      const assigned = await t
        .http()
        .post(`/requests/${r.id}/assign`)
        .send({ operator_id: plain.id })
        .expect(200);
      expect(assigned.body).toMatchObject({ operator_id: plain.id, skills_relaxed: false });
      const d = await decision(r.id);
      expect(d).toMatchObject({
        strategy: 'manual',
        trigger: 'manual',
        chosen_operator_id: plain.id,
        required_skills: ['de', 'vip'],
        skills_relaxed: false,
      });
      expect(d.operators).toEqual([
        expect.objectContaining({ operator_id: plain.id, missing_skills: ['de', 'vip'] }),
      ]);
    });

    it('the simulator takes skills: operators without them get nothing', async () => {
      const [de, plain] = [
        await given(t).operator({ skills: ['de', 'vip'], max_load: 1000 }),
        await given(t).operator({ skills: ['vip'], max_load: 1000 }),
      ];
      const source = await sourceWith([de, plain], {
        required_skills: ['vip'],
        strategy: 'weighted-round-robin',
      });
      const before = await rowCounts(t.dataSource);
      const { body } = await t
        .http()
        .post(`/sources/${source.id}/simulate`)
        .send({ requests: 100, skills: ['de'] })
        .expect(200);
      expect(body).toMatchObject({ required_skills: ['de', 'vip'], assigned: 100 });
      expect(
        (body.operators as Body[]).map((o) => [o.operator_id, o.requests, o.missing_skills]),
      ).toEqual([
        [de.id, 100, []],
        [plain.id, 0, ['de']],
      ]);
      const without = await t
        .http()
        .post(`/sources/${source.id}/simulate`)
        .send({ requests: 100 })
        .expect(200);
      expect(without.body.required_skills).toEqual(['vip']);
      expect((without.body.operators as Body[]).map((o) => o.requests)).toEqual([50, 50]);
      await expectRefused(
        () =>
          t
            .http()
            .post(`/sources/${source.id}/simulate`)
            .send({ requests: 1, skills: ['BAD'] }),
        'skills[0]',
      );
      expect(await rowCounts(t.dataSource)).toEqual(before);
    });
  });

  describe('drains that skills open', () => {
    it('a PATCH that gives an operator the skill drains the waiting request at once', async () => {
      const op = await given(t).operator();
      const source = await sourceWith([op]);
      const waiting = await given(t).request(source.id, { skills: ['de'] });
      expect(waiting.operator_id).toBeNull();
      await t
        .http()
        .patch(`/operators/${op.id}`)
        .send({ skills: ['de'] })
        .expect(200);
      const after = await request(waiting.id);
      expect(after).toMatchObject({ operator_id: op.id, skills_relaxed: false });
      expect(await decision(waiting.id)).toMatchObject({
        trigger: 'drain',
        chosen_operator_id: op.id,
        required_skills: ['de'],
      });
    });

    it('a new weight for an operator with the skill drains the waiting request', async () => {
      const plain = await given(t).operator();
      const de = await given(t).operator({ skills: ['de'] });
      const source = await sourceWith([plain]);
      const waiting = await given(t).request(source.id, { skills: ['de'] });
      expect(waiting.operator_id).toBeNull();
      await given(t).weights(source.id, [
        { operator_id: plain.id, weight: 1 },
        { operator_id: de.id, weight: 1 },
      ]);
      expect((await request(waiting.id)).operator_id).toBe(de.id);
    });

    it('a head-of-line request nobody can take does not block a later one', async () => {
      const op = await given(t).operator({ max_load: 1 });
      const source = await sourceWith([op]);
      const holder = await given(t).request(source.id);
      const head = await given(t).request(source.id, { skills: ['de'], priority: 90 });
      const later = await given(t).request(source.id);
      expect(ids(await queue(source.id))).toEqual([head.id, later.id]);
      await close(holder.id);
      expect((await request(later.id)).operator_id).toBe(op.id);
      expect((await request(head.id)).operator_id).toBeNull();
    });

    it('the skill fallback relaxes a due request (SkillFallbackService.tick) and drains it', async () => {
      const op = await given(t).operator({ name: 'Plain' });
      const source = await sourceWith([op], { skill_fallback_seconds: 60 });
      const never = await sourceWith([op]);
      const r = await given(t).request(source.id, { skills: ['de'] });
      const stays = await given(t).request(never.id, { skills: ['de'] });
      const fallback = t.app.get(SkillFallbackService);
      const createdAt = Date.parse(r.created_at);

      expect(await fallback.tick(new Date(createdAt + 59_000))).toBe(0);
      expect(await request(r.id)).toMatchObject({ operator_id: null, skills_relaxed: false });
      expect(await fallback.tick(new Date(createdAt + 60_000))).toBe(1);
      expect(await request(r.id)).toMatchObject({ operator_id: op.id, skills_relaxed: true });
      // A source without fallback (null) never relaxes.
      expect(await fallback.tick(new Date(Date.now() + 30 * 24 * 60 * MINUTE))).toBe(0);
      expect(await request(stays.id)).toMatchObject({ operator_id: null, skills_relaxed: false });
    });
  });

  describe('queue order', () => {
    /** One operator with room for one, already holding a request, on a source. */
    async function fullSource(sourceOverrides: Body = {}) {
      const op = await given(t).operator({ max_load: 1 });
      const source = await sourceWith([op], sourceOverrides);
      const holder = await given(t).request(source.id);
      expect(holder.operator_id).toBe(op.id);
      return { op, source, holder };
    }

    /** Closes the held request, then each newly assigned one, recording who got the unit. */
    async function drainOrder(holderId: number, count: number, opId: number): Promise<number[]> {
      const order: number[] = [];
      let held = holderId;
      for (let i = 0; i < count; i++) {
        await close(held);
        const active = (await get(`/requests?operator_id=${opId}&status=active`)) as Body[];
        expect(active).toHaveLength(1);
        held = active[0].id;
        order.push(held);
      }
      await close(held);
      return order;
    }

    it('by priority, highest first, then oldest; GET ?waiting=true lists it so', async () => {
      const { op, source, holder } = await fullSource();
      const low = await given(t).request(source.id, { priority: 10 });
      const high = await given(t).request(source.id, { priority: 50 });
      const none = await given(t).request(source.id);
      const highLater = await given(t).request(source.id, { priority: 50 });
      const top = await given(t).request(source.id, { priority: 100 });

      const listed = await queue(source.id);
      expect(listed.map((r) => [r.id, r.effective_priority])).toEqual([
        [top.id, 100],
        [high.id, 50],
        [highLater.id, 50],
        [low.id, 10],
        [none.id, 0],
      ]);
      expect(await drainOrder(holder.id, 5, op.id)).toEqual(ids(listed));
    });

    it('aging: effective priority grows by whole points per minute waited, capped at 100', async () => {
      const { op, source, holder } = await fullSource({ priority_aging_per_minute: 10 });
      const fresh = await given(t).request(source.id, { priority: 50 });
      const aged = await given(t).request(source.id, { priority: 0 });
      const urgent = await given(t).request(source.id, { priority: 95 });
      const capped = await given(t).request(source.id, { priority: 60 });
      await arrivedAgo(aged.id, 5 * MINUTE + 35_000); // 0 + floor(55.8) = 55
      await arrivedAgo(urgent.id, 2 * MINUTE + 5_000); // 95 + 20 = 115 → 100
      await arrivedAgo(capped.id, 5 * MINUTE + 5_000); // 60 + 50 = 110 → 100, and older

      const listed = await queue(source.id);
      // Uncapped, `urgent` (115) would go before `capped` (110); at 100 each, the older first.
      expect(listed.map((r) => [r.id, r.effective_priority])).toEqual([
        [capped.id, 100],
        [urgent.id, 100],
        [aged.id, 55],
        [fresh.id, 50],
      ]);
      expect((await request(aged.id)).effective_priority).toBe(55);
      expect(await drainOrder(holder.id, 4, op.id)).toEqual(ids(listed));
    });

    it('aging floors, across sources: 59.75 points is 59, and the older request of 59 goes first', async () => {
      const op = await given(t).operator({ max_load: 1 });
      const aging = await sourceWith([op], { priority_aging_per_minute: 1 });
      const flat = await sourceWith([op]);
      const holder = await given(t).request(flat.id);
      const young = await given(t).request(aging.id, { priority: 0 });
      const old = await given(t).request(flat.id, { priority: 59 });
      await arrivedAgo(young.id, 59 * MINUTE + 45_000); // 59.75 points → 59 (60 if rounded)
      await arrivedAgo(old.id, 120 * MINUTE); // no aging here: 59

      expect((await request(young.id)).effective_priority).toBe(59);
      expect((await request(old.id)).effective_priority).toBe(59);
      expect(await drainOrder(holder.id, 2, op.id)).toEqual([old.id, young.id]);
    });
  });
});

/** The fallback on its own timer, with nothing else changing; and its webhook. */
describe('Skill fallback on its timer (e2e)', () => {
  let t: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await createTestApp({
      env: {
        SKILL_FALLBACK_INTERVAL_MS: '200',
        DRAIN_INTERVAL_MS: '0',
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_POLL_INTERVAL_MS: '100',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });
  afterEach(() => expectQuiescentInvariants(t.dataSource));

  const get = async (path: string): Promise<any> => (await t.http().get(path).expect(200)).body;

  it('relaxes a waiting request within 2 s of its deadline and gives it to an operator without the skill', async () => {
    await t
      .http()
      .post('/webhooks')
      .send({ url: receiver.url('/relaxed'), events: ['request.relaxed'] })
      .expect(201);
    const op = await given(t).operator({ name: 'Plain' });
    const source = await given(t).source({ skill_fallback_seconds: 1 });
    await given(t).weights(source.id, [{ operator_id: op.id, weight: 1 }]);
    const r = await given(t).request(source.id, { skills: ['de'] });
    expect(r).toMatchObject({ operator_id: null, skills_relaxed: false });

    await eventually(
      async () => expect(await get(`/requests/${r.id}`)).toMatchObject({ operator_id: op.id }),
      2500,
      'the fallback to assign the request',
    );
    const relaxed = (await get(`/requests/${r.id}`)) as Body;
    expect(relaxed.skills_relaxed).toBe(true);
    expect(relaxed.skills).toEqual(['de']);
    const createdAt = Date.parse(r.created_at);
    // Not before its deadline, and no later than 2 s after it.
    expect(Date.parse(relaxed.assigned_at) - createdAt).toBeGreaterThanOrEqual(1000);
    expect(Date.parse(relaxed.assigned_at) - createdAt).toBeLessThanOrEqual(3000);

    const events = (await get(`/requests/${r.id}/events`)) as Body[];
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ['created', 'intake'],
      ['waiting', 'intake'],
      ['relaxed', 'system'],
      ['assigned', 'system'],
    ]);
    expect(Date.parse(events[2].created_at) - createdAt).toBeGreaterThanOrEqual(1000);
    expect(events[3].trigger).toBe('drain');

    const d = (await get(`/requests/${r.id}/decision`)) as Body;
    expect(d).toMatchObject({
      trigger: 'drain',
      chosen_operator_id: op.id,
      required_skills: ['de'],
      skills_relaxed: true,
    });
    expect(d.operators).toEqual([
      expect.objectContaining({ operator_id: op.id, eligible: true, missing_skills: [] }),
    ]);

    await eventually(
      () => receiver.delivered().some((hit) => hit.path === '/relaxed'),
      10000,
      'the request.relaxed webhook',
    );
    const delivered = receiver.delivered().map((hit) => JSON.parse(hit.body) as Body);
    expect(delivered.map((e) => e.type)).toEqual(['request.relaxed']);
    expect(delivered[0].data.request).toMatchObject({
      id: r.id,
      skills_relaxed: true,
      operator_id: null,
    });
  });
});
