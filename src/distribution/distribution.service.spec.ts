import { DataSource } from 'typeorm';
import { entities } from '../database/database-options';
import { migrations } from '../database/migrations';
import { DistributionService } from './distribution.service';
import { WeightedLeastLoadedStrategy } from './strategies/weighted-least-loaded.strategy';
import { WeightedRandomStrategy } from './strategies/weighted-random.strategy';
import { WeightedRoundRobinStrategy } from './strategies/weighted-round-robin.strategy';
import { StrategyRegistry } from './strategy-registry';

describe(DistributionService.name, () => {
  let dataSource: DataSource;
  let sut: DistributionService;

  beforeEach(async () => {
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities,
      migrations,
    }).initialize();
    await dataSource.runMigrations();
    const random = new WeightedRandomStrategy(() => 0);
    const registry = new StrategyRegistry(
      [random, new WeightedRoundRobinStrategy(), new WeightedLeastLoadedStrategy()],
      random,
    );
    sut = new DistributionService(registry, dataSource);
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

  const state = async () =>
    Object.fromEntries(
      (
        await dataSource.query<Array<{ operator_id: number; current_value: number }>>(
          'SELECT operator_id, current_value FROM round_robin_state ORDER BY operator_id',
        )
      ).map((r) => [r.operator_id, Number(r.current_value)]),
    );

  it('saves the round-robin state and explains the pick', async () => {
    const outcome = await dataSource.transaction((m) =>
      sut.assign(m, { id: 1, strategy: 'weighted-round-robin' }),
    );
    expect(outcome.assignment).toEqual({ operatorId: 1, operatorName: 'A' });
    expect(outcome.decision).toMatchObject({
      strategy: 'weighted-round-robin',
      chosen_operator_id: 1,
      claims_lost: [],
    });
    expect(await state()).toEqual({ 1: -2, 2: 1, 3: 1 });
  });

  it('when another transaction took the pick’s last unit, chooses again from the same state', async () => {
    const claim = jest.spyOn(sut, 'claimCapacity').mockResolvedValueOnce(false);
    const outcome = await dataSource.transaction((m) =>
      sut.assign(m, { id: 1, strategy: 'weighted-round-robin' }),
    );
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
    jest.spyOn(sut, 'claimCapacity').mockResolvedValue(false);
    const outcome = await dataSource.transaction((m) => sut.assign(m, { id: 1, strategy: null }));
    expect(outcome.assignment).toBeNull();
    expect(outcome.decision).toMatchObject({
      strategy: 'weighted-random',
      chosen_operator_id: null,
      evidence: null,
      claims_lost: [1, 2, 3],
    });
    expect(await state()).toEqual({});
  });
});
