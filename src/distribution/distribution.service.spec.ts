import { DataSource } from 'typeorm';
import { openInMemoryDatabase } from '../database/in-memory-database';
import { createRepositories } from '../database/repositories.module';
import type { Tx } from '../database/tx';
import { DistributionService, type ChooseOptions, type SourceRules } from './distribution.service';
import { WeightedLeastLoadedStrategy } from './strategies/weighted-least-loaded.strategy';
import { WeightedRandomStrategy } from './strategies/weighted-random.strategy';
import { WeightedRoundRobinStrategy } from './strategies/weighted-round-robin.strategy';
import { StrategyRegistry } from './strategy-registry';

describe(DistributionService.name, () => {
  let dataSource: DataSource;
  let inTx: <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;
  let sut: DistributionService;

  beforeEach(async () => {
    ({ dataSource, inTx } = await openInMemoryDatabase());
    const random = new WeightedRandomStrategy(() => 0);
    const registry = new StrategyRegistry(
      [random, new WeightedRoundRobinStrategy(), new WeightedLeastLoadedStrategy()],
      random,
    );
    const repositories = createRepositories(dataSource);
    sut = new DistributionService(
      registry,
      repositories.sources,
      repositories.operators,
      repositories.roundRobin,
    );
    const now = new Date().toISOString();
    await dataSource.query(
      `INSERT INTO operators (id, name, is_active, max_load, current_load, created_at)
       VALUES (1, 'A', 1, 10, 0, ?), (2, 'B', 1, 10, 0, ?), (3, 'C', 1, 10, 0, ?)`,
      [now, now, now],
    );
    await dataSource.query(
      `INSERT INTO sources (id, name, strategy, created_at) VALUES (1, 'S', 'weighted-round-robin', ?)`,
      [now],
    );
    await dataSource.query(
      `INSERT INTO operator_source_weights (source_id, operator_id, weight) VALUES (1, 1, 5), (1, 2, 1), (1, 3, 1)`,
    );
  });
  afterEach(() => dataSource.destroy());

  const rules = {
    requiredSkills: [],
    skillFallbackSeconds: null,
    defaultPriority: 0,
    assignment: 'direct' as const,
    offerTimeoutSeconds: 60,
  };
  const rr: SourceRules = { id: 1, strategy: 'weighted-round-robin', sticky: false, ...rules };
  const claimAll = jest.fn((_operatorId: number) => Promise.resolve(true));
  const options = (extra: Partial<ChooseOptions> = {}): ChooseOptions => ({
    trigger: 'intake',
    claim: claimAll,
    ...extra,
  });

  const state = async () =>
    Object.fromEntries(
      (
        await dataSource.query<Array<{ operator_id: number; current_value: number }>>(
          'SELECT operator_id, current_value FROM round_robin_state ORDER BY operator_id',
        )
      ).map((r) => [r.operator_id, Number(r.current_value)]),
    );

  it('saves the round-robin state and explains the pick', async () => {
    const outcome = await inTx((tx) => sut.choose(tx, rr, options()));
    expect(outcome.assignment).toEqual({ operatorId: 1, operatorName: 'A' });
    expect(outcome.decision).toMatchObject({
      strategy: 'weighted-round-robin',
      trigger: 'intake',
      sticky: false,
      chosen_operator_id: 1,
      claims_lost: [],
    });
    expect(await state()).toEqual({ 1: -2, 2: 1, 3: 1 });
  });

  it('when another transaction took the pick’s last unit, chooses again from the same state', async () => {
    const claim = jest.fn((_id: number) => Promise.resolve(true)).mockResolvedValueOnce(false);
    const outcome = await inTx((tx) => sut.choose(tx, rr, options({ claim })));
    // A (5) lost its unit: among B and C from zero, B wins the tie.
    expect(claim).toHaveBeenCalledTimes(2);
    expect(outcome.assignment?.operatorId).toBe(2);
    expect(outcome.decision.claims_lost).toEqual([1]);
    expect(outcome.decision.operators.find((o) => o.operator_id === 1)).toMatchObject({
      eligible: false,
      reason: 'at_capacity',
    });
    // A's value is untouched; B and C moved as a two-operator round.
    expect(await state()).toEqual({ 2: -1, 3: 1 });
  });

  it('returns no assignment, with the reasons, when every claim is lost', async () => {
    const claim = () => Promise.resolve(false);
    const outcome = await inTx((tx) =>
      sut.choose(tx, { ...rr, strategy: null }, options({ claim })),
    );
    expect(outcome.assignment).toBeNull();
    expect(outcome.decision).toMatchObject({
      strategy: 'weighted-random',
      chosen_operator_id: null,
      evidence: null,
      claims_lost: [1, 2, 3],
    });
    expect(await state()).toEqual({});
  });

  describe('sticky sources', () => {
    const sticky: SourceRules = { ...rr, sticky: true };

    it('gives the lead back to its last operator when that one is eligible, before the strategy', async () => {
      const outcome = await inTx((tx) => sut.choose(tx, sticky, options({ stickyOperatorId: 3 })));
      expect(outcome.assignment?.operatorId).toBe(3);
      expect(outcome.decision).toMatchObject({
        sticky: true,
        sticky_operator_id: 3,
        evidence: null,
      });
      // The strategy did not run: its sequence is untouched.
      expect(await state()).toEqual({});
    });

    it('lets the strategy decide when the last operator is not eligible now', async () => {
      await dataSource.query('UPDATE operators SET current_load = max_load WHERE id = 3');
      const outcome = await inTx((tx) => sut.choose(tx, sticky, options({ stickyOperatorId: 3 })));
      expect(outcome.assignment?.operatorId).toBe(1);
      expect(outcome.decision).toMatchObject({ sticky: false, sticky_operator_id: 3 });
    });

    it('lets the strategy decide when its claim on the last operator is lost', async () => {
      const claim = jest.fn((_id: number) => Promise.resolve(true)).mockResolvedValueOnce(false);
      const outcome = await inTx((tx) =>
        sut.choose(tx, sticky, options({ stickyOperatorId: 3, claim })),
      );
      expect(claim.mock.calls.map(([id]) => id)).toEqual([3, 1]);
      expect(outcome.decision).toMatchObject({ sticky: false, claims_lost: [3] });
    });

    it('ignores the last operator on a source that is not sticky', async () => {
      const outcome = await inTx((tx) => sut.choose(tx, rr, options({ stickyOperatorId: 3 })));
      expect(outcome.assignment?.operatorId).toBe(1);
      expect(outcome.decision).toMatchObject({ sticky: false, sticky_operator_id: null });
    });
  });

  it('never chooses an excluded operator, and says why', async () => {
    const outcome = await inTx((tx) =>
      sut.choose(tx, rr, options({ trigger: 'reassign', excludeOperatorIds: [1] })),
    );
    expect(outcome.assignment?.operatorId).toBe(2);
    expect(outcome.decision.trigger).toBe('reassign');
    expect(outcome.decision.operators.find((o) => o.operator_id === 1)).toMatchObject({
      eligible: false,
      reason: 'excluded',
    });
  });
});

describe(`${DistributionService.name}.pick (PostgreSQL intake's first try)`, () => {
  // The draw 0.99 lands on the last operator by weight: the strategy's own choice is C.
  const random = new WeightedRandomStrategy(() => 0.99);
  const registry = new StrategyRegistry([random, new WeightedRoundRobinStrategy()], random);
  // pick reads nothing: it chooses from the operators it is given.
  const none = undefined as never;
  const sut = new DistributionService(registry, none, none, none);
  const source = (extra: Partial<SourceRules> = {}): SourceRules => ({
    id: 1,
    strategy: null,
    sticky: false,
    requiredSkills: [],
    skillFallbackSeconds: null,
    defaultPriority: 0,
    assignment: 'direct',
    offerTimeoutSeconds: 60,
    ...extra,
  });
  const operator = (id: number, extra: Record<string, unknown> = {}) => ({
    operatorId: id,
    operatorName: `O${id}`,
    isActive: true,
    currentLoad: 0,
    offeredLoad: 0,
    maxLoad: 5,
    weight: 1,
    skills: [] as string[],
    presence: 'available' as const,
    schedule: null,
    ...extra,
  });
  const configured = [operator(1), operator(2, { currentLoad: 5 }), operator(3)];
  const pick = (rules: SourceRules, lost: number[] = [], stickyOperatorId: number | null = null) =>
    sut.pick(rules, configured, { trigger: 'intake', stickyOperatorId, lost });

  it('picks by the strategy among the eligible, and explains it', () => {
    const choice = pick(source())!;
    expect(choice.assignment).toEqual({ operatorId: 3, operatorName: 'O3' });
    expect(choice.decision).toMatchObject({
      chosen_operator_id: 3,
      claims_lost: [],
      sticky: false,
    });
    expect(choice.decision.evidence).not.toBeNull();
  });

  it('never picks an operator whose claim was lost, and lists it', () => {
    const choice = pick(source(), [3])!;
    expect(choice.assignment.operatorId).toBe(1);
    expect(choice.decision.claims_lost).toEqual([3]);
  });

  it("prefers a sticky source's last operator when it is eligible, not when it is full", () => {
    expect(pick(source({ sticky: true }), [], 1)!.decision).toMatchObject({
      chosen_operator_id: 1,
      sticky: true,
    });
    expect(pick(source({ sticky: true }), [], 2)!.assignment.operatorId).toBe(3);
  });

  it('answers null when nobody is eligible in the read (the intake may have to wait)', () => {
    expect(pick(source(), [1, 3])).toBeNull();
  });

  it('refuses a stateful strategy, whose turn needs the lock of a transaction', () => {
    expect(sut.isStateful(source({ strategy: 'weighted-round-robin' }))).toBe(true);
    expect(() => pick(source({ strategy: 'weighted-round-robin' }))).toThrow('stateful');
  });
});
