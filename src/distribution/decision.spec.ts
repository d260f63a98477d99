import { buildDecision, decisionOperators, type DecisionContext } from './decision';
import type { ConfiguredOperator, Requirement } from './eligibility';

const operator = (
  operatorId: number,
  overrides: Partial<ConfiguredOperator> = {},
): ConfiguredOperator => ({
  operatorId,
  operatorName: `op${operatorId}`,
  isActive: true,
  weight: 1,
  currentLoad: 0,
  offeredLoad: 0,
  maxLoad: 2,
  skills: [],
  presence: 'available',
  schedule: null,
  ...overrides,
});

const needs = (skills: string[], relaxed = false): Requirement => ({ skills, relaxed });

describe(decisionOperators.name, () => {
  it('gives each operator lacking a skill the reason missing_skills and what it lacks', () => {
    const operators = decisionOperators(
      [
        operator(1, { skills: ['de', 'vip'] }),
        operator(2, { skills: ['vip'] }),
        operator(3),
        operator(4, { skills: ['de'], currentLoad: 2 }),
      ],
      [],
      needs(['de', 'vip']),
    );
    expect(operators.map((o) => [o.operator_id, o.eligible, o.reason, o.missing_skills])).toEqual([
      [1, true, null, []],
      [2, false, 'missing_skills', ['de']],
      [3, false, 'missing_skills', ['de', 'vip']],
      [4, false, 'missing_skills', ['vip']],
    ]);
  });

  it('lists what an ineligible operator lacks even when another reason comes first', () => {
    const [inactive] = decisionOperators([operator(1, { isActive: false })], [], needs(['de']));
    expect(inactive).toMatchObject({ reason: 'inactive', missing_skills: ['de'] });
  });

  it('lacks nothing once the request is relaxed, and without a requirement', () => {
    const relaxed = decisionOperators([operator(1)], [], needs(['de'], true));
    expect(relaxed[0]).toMatchObject({ eligible: true, reason: null, missing_skills: [] });
    const none = decisionOperators([operator(1, { skills: ['de'] })]);
    expect(none[0]).toMatchObject({ eligible: true, reason: null, missing_skills: [] });
  });
});

describe(buildDecision.name, () => {
  const context = (requirement?: Requirement, excluded: number[] = []): DecisionContext => ({
    strategy: 'weighted-random',
    trigger: 'intake',
    stickyOperatorId: null,
    excluded,
    requirement,
  });

  it('records the required skills and whether they were relaxed', () => {
    const decision = buildDecision(
      context(needs(['billing', 'de'])),
      [operator(1, { skills: ['billing', 'de'] }), operator(2, { skills: ['de'] })],
      [],
      1,
      null,
      false,
    );
    expect(decision).toMatchObject({
      required_skills: ['billing', 'de'],
      skills_relaxed: false,
      chosen_operator_id: 1,
    });
    expect(decision.operators[1]).toMatchObject({
      reason: 'missing_skills',
      missing_skills: ['billing'],
    });
    expect(decision.summary).toBe(
      'weighted-random chose operator 1 (op1) among 1 eligible of 2 configured.',
    );

    const relaxed = buildDecision(context(needs(['de'], true)), [operator(2)], [], 2, null, false);
    expect(relaxed).toMatchObject({ required_skills: ['de'], skills_relaxed: true });
    expect(relaxed.operators[0]).toMatchObject({ eligible: true, missing_skills: [] });
  });

  it('needs nothing when the context has no requirement (decisions before skills)', () => {
    const decision = buildDecision(context(), [operator(1)], [], 1, null, false);
    expect(decision).toMatchObject({ required_skills: [], skills_relaxed: false });
    expect(decision.operators[0].missing_skills).toEqual([]);
  });

  it('says why nobody took it, counting missing_skills', () => {
    const decision = buildDecision(
      context(needs(['de'])),
      [operator(1), operator(2, { skills: ['vip'] }), operator(3, { isActive: false })],
      [],
      null,
      null,
      false,
    );
    expect(decision.chosen_operator_id).toBeNull();
    expect(decision.summary).toBe(
      'No operator available: 3 configured, 2 missing_skills, 1 inactive.',
    );
  });

  it('an excluded operator that lacks a skill keeps missing_skills as its reason', () => {
    const decision = buildDecision(
      context(needs(['de']), [1, 2]),
      [operator(1), operator(2, { skills: ['de'] })],
      [],
      null,
      null,
      false,
    );
    expect(decision.operators.map((o) => o.reason)).toEqual(['missing_skills', 'excluded']);
  });

  it('copies the requirement, so a later change to it does not rewrite the decision', () => {
    const skills = ['de'];
    const decision = buildDecision(context(needs(skills)), [], [], null, null, false);
    skills.push('vip');
    expect(decision.required_skills).toEqual(['de']);
  });
});
