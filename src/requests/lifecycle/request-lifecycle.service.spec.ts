import { DataSource } from 'typeorm';
import type { TransactionRunner } from '../../database/transaction-runner';
import { openInMemoryDatabase } from '../../database/in-memory-database';
import { createRepositories } from '../../database/repositories.module';
import type { Tx } from '../../database/tx';
import type { Decision, DecisionOperator } from '../../distribution/decision';
import { DistributionService } from '../../distribution/distribution.service';
import { WeightedRandomStrategy } from '../../distribution/strategies/weighted-random.strategy';
import { WeightedRoundRobinStrategy } from '../../distribution/strategies/weighted-round-robin.strategy';
import { WeightedLeastLoadedStrategy } from '../../distribution/strategies/weighted-least-loaded.strategy';
import { StrategyRegistry } from '../../distribution/strategy-registry';
import { EventNotifier } from '../../events/event-notifier';
import { MetricsRepository } from '../../metrics/metrics.repository';
import { MetricsService } from '../../metrics/metrics.service';
import { WebhookDeliveriesRepository } from '../../webhooks/webhook-deliveries.repository';
import { WebhookOutbox } from '../../webhooks/webhook-outbox';
import { WebhookSubscriptionsRepository } from '../../webhooks/webhook-subscriptions.repository';
import { RequestEvent } from '../entities/request-event.entity';
import { RequestEventsRepository } from '../request-events.repository';
import { RequestEventsWriter } from './request-events.writer';
import type { SourceRules } from '../../distribution/distribution.service';
import type { RequestView } from '../dto/request-response.dto';
import { isFallbackDue, RequestLifecycleService, roomLeft } from './request-lifecycle.service';
import { LockOrderService } from './lock-order.service';

describe(RequestLifecycleService.name, () => {
  let dataSource: DataSource;
  let inTx: <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;
  let sut: RequestLifecycleService;
  let notified: number;

  const at = (minute: number) => new Date(Date.UTC(2026, 0, 27, 10, minute)).toISOString();

  beforeEach(async () => {
    ({ dataSource, inTx } = await openInMemoryDatabase());
    const random = new WeightedRandomStrategy(() => 0);
    const registry = new StrategyRegistry(
      [random, new WeightedRoundRobinStrategy(), new WeightedLeastLoadedStrategy()],
      random,
    );
    const notifier = new EventNotifier();
    notified = 0;
    notifier.subscribe(() => notified++);
    const repositories = createRepositories(dataSource);
    sut = new RequestLifecycleService(
      new DistributionService(
        registry,
        repositories.sources,
        repositories.operators,
        repositories.roundRobin,
      ),
      new RequestEventsWriter(
        new WebhookOutbox(
          new WebhookSubscriptionsRepository(dataSource),
          new WebhookDeliveriesRepository(dataSource),
        ),
        notifier,
        new RequestEventsRepository(dataSource.getRepository(RequestEvent)),
      ),
      new MetricsService(new MetricsRepository(dataSource)),
      repositories.requests,
      repositories.operators,
      new LockOrderService(repositories.sources, repositories.operators),
      // Only PostgreSQL's re-drain of rows skipped as locked opens a transaction of its own.
      undefined as unknown as TransactionRunner,
      repositories.offers,
    );
    // Operator 1 serves sources 1 and 2 and is full; operator 2 serves source 2 only, inactive.
    await dataSource.query(
      `INSERT INTO operators (id, name, is_active, max_load, current_load, created_at)
       VALUES (1, 'Ann', 1, 1, 1, ?), (2, 'Ben', 0, 5, 0, ?)`,
      [at(0), at(0)],
    );
    await dataSource.query(
      `INSERT INTO sources (id, name, created_at) VALUES (1, 'S1', ?), (2, 'S2', ?), (3, 'S3', ?)`,
      [at(0), at(0), at(0)],
    );
    await dataSource.query(
      `INSERT INTO operator_source_weights (source_id, operator_id, weight)
       VALUES (1, 1, 1), (2, 1, 1), (2, 2, 1), (3, 2, 1)`,
    );
    await dataSource.query(`INSERT INTO leads (id, external_id, created_at) VALUES (1, 'l1', ?)`, [
      at(0),
    ]);
    // Request 1 holds Ann's unit; 2..5 wait, arriving S2, S1, S3, S2 (ids not in arrival order).
    const rows: Array<[number, number, number | null, number]> = [
      [1, 1, 1, 0],
      [2, 1, null, 4],
      [3, 2, null, 2],
      [4, 3, null, 1],
      [5, 2, null, 3],
    ];
    for (const [id, source, operator, minute] of rows) {
      await dataSource.query(
        `INSERT INTO requests (id, lead_id, source_id, operator_id, status, created_at, updated_at)
         VALUES (?, 1, ?, ?, 'active', ?, ?)`,
        [id, source, operator, at(minute), at(minute)],
      );
    }
  });
  afterEach(() => dataSource.destroy());

  const operatorOf = async (id: number) =>
    (
      await dataSource.query<Array<{ operator_id: number | null }>>(
        'SELECT operator_id FROM requests WHERE id = ?',
        [id],
      )
    )[0].operator_id;

  it('a freed unit goes to the oldest request waiting in any source the operator serves', async () => {
    await inTx((tx) => sut.close(tx, 1, 'admin'));
    // Request 3 (S2, 10:02) is older than 5 (S2, 10:03) and 2 (S1, 10:04); 4 is S3's (not Ann's).
    expect(await operatorOf(3)).toBe(1);
    expect([await operatorOf(2), await operatorOf(4), await operatorOf(5)]).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('drains in arrival order as room grows, and only into operators serving the source', async () => {
    await dataSource.query('UPDATE operators SET max_load = 3 WHERE id = 1');
    const assigned = await inTx((tx) => sut.drainSources(tx, [1, 2, 3]));
    // Ann has two free units: S2's 10:02 and S2's 10:03; S3's 10:01 has nobody active.
    expect(assigned).toBe(2);
    expect(await operatorOf(3)).toBe(1);
    expect(await operatorOf(5)).toBe(1);
    expect(await operatorOf(2)).toBeNull();
    expect(await operatorOf(4)).toBeNull();
  });

  it('an activated operator takes its sources’ oldest work first', async () => {
    await inTx((tx) =>
      sut.changeOperator(tx, 2, () =>
        tx.query('UPDATE operators SET is_active = ? WHERE id = ?', [true, 2]).then(() => {}),
      ),
    );
    // Ben serves S2 and S3: 4 (S3, 10:01), 3 (S2, 10:02), 5 (S2, 10:03); not S1's request 2.
    expect([await operatorOf(4), await operatorOf(3), await operatorOf(5)]).toEqual([2, 2, 2]);
    expect(await operatorOf(2)).toBeNull();
  });

  it('writes the events in the same transaction and wakes listeners only after the commit', async () => {
    await expect(
      inTx(async (tx) => {
        await sut.close(tx, 1, 'admin');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const count = async () =>
      Number(
        (
          await dataSource.query<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM request_events')
        )[0].n,
      );
    expect(await count()).toBe(0);
    expect(await operatorOf(3)).toBeNull();
    expect(notified).toBe(0);

    await inTx((tx) => sut.close(tx, 1, 'admin'));
    expect(await count()).toBe(2); // request 1 closed, request 3 assigned
    expect(notified).toBeGreaterThan(0);
  });

  describe('skills', () => {
    const needsDe = (id: number) =>
      dataSource.query(`UPDATE requests SET skills = '["de"]' WHERE id = ?`, [id]);
    const relaxedFlag = async (id: number) =>
      Boolean(
        (
          await dataSource.query<Array<{ r: number }>>(
            'SELECT skills_relaxed AS r FROM requests WHERE id = ?',
            [id],
          )
        )[0].r,
      );
    const eventTypes = async (id: number) =>
      (
        await dataSource.query<Array<{ type: string }>>(
          'SELECT type FROM request_events WHERE request_id = ? ORDER BY id',
          [id],
        )
      ).map((e) => e.type);

    it('passes over a request nobody with room has the skills for, and drains the next', async () => {
      await needsDe(3);
      await inTx((tx) => sut.close(tx, 1, 'admin'));
      // Request 3 (S2, 10:02) is the oldest but Ann lacks `de`: 5 (S2, 10:03) takes her unit.
      expect(await operatorOf(3)).toBeNull();
      expect(await operatorOf(5)).toBe(1);
    });

    it('relaxes a waiting request once its fallback is due, then drains it', async () => {
      await needsDe(3);
      await dataSource.query('UPDATE sources SET skill_fallback_seconds = 60 WHERE id = 2');
      await dataSource.query('UPDATE operators SET max_load = 2 WHERE id = 1');
      const second = (s: number) => new Date(Date.UTC(2026, 0, 27, 10, 2, s));

      expect(await inTx((tx) => sut.relax(tx, 3, new Date(second(60).getTime() - 1)))).toBe(false);
      expect(await relaxedFlag(3)).toBe(false);

      expect(await inTx((tx) => sut.relax(tx, 3, second(60)))).toBe(true);
      expect(await relaxedFlag(3)).toBe(true);
      expect(await operatorOf(3)).toBe(1); // the drain gave it Ann's free unit at once
      expect(await operatorOf(5)).toBeNull();
      expect(await eventTypes(3)).toEqual(['relaxed', 'assigned']);
      // Relaxed once: a second pass (another instance) changes nothing.
      expect(await inTx((tx) => sut.relax(tx, 3, second(90)))).toBe(false);
    });

    it('never relaxes a request that needs no skill, or of a source without fallback', async () => {
      await dataSource.query('UPDATE sources SET skill_fallback_seconds = 60 WHERE id = 2');
      const late = new Date(Date.UTC(2026, 0, 28));
      expect(await inTx((tx) => sut.relax(tx, 5, late))).toBe(false); // S2, no skills
      await needsDe(2);
      expect(await inTx((tx) => sut.relax(tx, 2, late))).toBe(false); // S1, fallback null
      expect([await relaxedFlag(2), await relaxedFlag(5)]).toEqual([false, false]);
    });
  });
});

describe(isFallbackDue.name, () => {
  const created = new Date(Date.UTC(2026, 0, 27, 10, 0, 0));
  const request = { createdAt: created } as RequestView;
  const source = (skillFallbackSeconds: number | null): SourceRules => ({
    id: 1,
    strategy: null,
    sticky: false,
    requiredSkills: ['de'],
    skillFallbackSeconds,
    defaultPriority: 0,
    assignment: 'direct',
    offerTimeoutSeconds: 60,
  });
  const after = (ms: number) => new Date(created.getTime() + ms);

  it('is due from created_at + skill_fallback_seconds on, not a millisecond before', () => {
    expect(isFallbackDue(request, source(30), after(29_999))).toBe(false);
    expect(isFallbackDue(request, source(30), after(30_000))).toBe(true);
    expect(isFallbackDue(request, source(30), after(86_400_000))).toBe(true);
    expect(isFallbackDue(request, source(1), after(1_000))).toBe(true);
  });

  it('is never due when the source has no fallback', () => {
    expect(isFallbackDue(request, source(null), after(604_800_000 * 10))).toBe(false);
  });
});

describe(roomLeft.name, () => {
  const op = (o: Partial<DecisionOperator>): DecisionOperator => ({
    operator_id: 1,
    operator_name: 'A',
    missing_skills: [],
    weight: 1,
    current_load: 0,
    offered_load: 0,
    max_load: 1,
    is_active: true,
    eligible: true,
    reason: null,
    ...o,
  });
  const decision = (operators: DecisionOperator[], chosen: number | null) =>
    ({ operators, chosen_operator_id: chosen }) as Decision;

  it('counts the free units of eligible operators, less the one just taken', () => {
    expect(roomLeft(decision([op({ max_load: 3, current_load: 1 })], 1))).toBe(1);
    expect(roomLeft(decision([op({ max_load: 1 })], 1))).toBe(0);
    expect(roomLeft(decision([op({ max_load: 5 }), op({ eligible: false, max_load: 9 })], 1))).toBe(
      4,
    );
  });

  it('counts operators that lack only a skill (a later request may not need it)', () => {
    const lacking = op({
      eligible: false,
      reason: 'missing_skills',
      max_load: 3,
      missing_skills: ['de'],
    });
    expect(roomLeft(decision([lacking], null))).toBe(3);
    expect(roomLeft(decision([op({ max_load: 2 }), lacking], 1))).toBe(4);
    // Other reasons make no room for anyone.
    for (const reason of ['inactive', 'zero_weight', 'at_capacity', 'excluded'] as const) {
      expect(roomLeft(decision([op({ eligible: false, reason, max_load: 3 })], null))).toBe(0);
    }
    // Lacking a skill and full: no room either.
    expect(roomLeft(decision([{ ...lacking, current_load: 3 }], null))).toBe(0);
  });

  it('never counts an operator over a lowered max_load as negative room', () => {
    expect(roomLeft(decision([op({ max_load: 1, current_load: 4 }), op({ max_load: 2 })], 2))).toBe(
      1,
    );
  });
});
