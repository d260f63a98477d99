import type { Schedule } from '../shifts/schedule';
import {
  absenceOf,
  ConfiguredOperator,
  eligibleCandidates,
  ineligibilityReason,
  missingFor,
  type Requirement,
} from './eligibility';

const operator = (overrides: Partial<ConfiguredOperator> = {}): ConfiguredOperator => ({
  operatorId: 1,
  operatorName: 'A',
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

// Mondays 09:00-17:00 in Berlin; 2026-12-07 is a Monday (CET, UTC+1).
const mondays: Schedule = {
  time_zone: 'Europe/Berlin',
  weekly: [{ day: 'mon', start: '09:00', end: '17:00' }],
  exceptions: [],
};
const mondayNoonBerlin = new Date('2026-12-07T11:00:00Z');
const mondayEveningBerlin = new Date('2026-12-07T17:00:00Z');

describe('eligibility', () => {
  it.each([
    [{}, null],
    [{ isActive: false }, 'inactive'],
    [{ weight: 0 }, 'zero_weight'],
    [{ currentLoad: 2, maxLoad: 2 }, 'at_capacity'],
    [{ currentLoad: 5, maxLoad: 2 }, 'at_capacity'],
    [{ currentLoad: 0, maxLoad: 0 }, 'at_capacity'],
    [{ currentLoad: 1, maxLoad: 2 }, null],
    // Pending offers hold room as active requests do.
    [{ currentLoad: 1, offeredLoad: 1, maxLoad: 2 }, 'at_capacity'],
    [{ currentLoad: 0, offeredLoad: 2, maxLoad: 2 }, 'at_capacity'],
    [{ currentLoad: 0, offeredLoad: 1, maxLoad: 2 }, null],
    [{ isActive: false, weight: 0, currentLoad: 9 }, 'inactive'],
    [{ presence: 'away' as const }, 'not_available'],
    [{ presence: 'offline' as const }, 'not_available'],
    [{ presence: 'away' as const, currentLoad: 2 }, 'not_available'],
  ])('%j → %p', (overrides, reason) => {
    expect(ineligibilityReason(operator(overrides))).toBe(reason);
  });

  it('is off shift outside the schedule, at the time it is asked', () => {
    const scheduled = operator({ schedule: mondays });
    expect(ineligibilityReason(scheduled, undefined, mondayNoonBerlin)).toBeNull();
    expect(ineligibilityReason(scheduled, undefined, mondayEveningBerlin)).toBe('off_shift');
    expect(eligibleCandidates([scheduled], undefined, mondayEveningBerlin)).toEqual([]);
    expect(ineligibilityReason(operator(), undefined, mondayEveningBerlin)).toBeNull();
  });

  it('says an operator is absent for its own state only, whatever its room, weight or skills', () => {
    const scheduled = operator({ schedule: mondays });
    expect(absenceOf(operator({ currentLoad: 2, weight: 0, skills: [] }))).toBeNull();
    expect(absenceOf(operator({ isActive: false, presence: 'away' }))).toBe('inactive');
    expect(absenceOf(operator({ presence: 'offline' }))).toBe('not_available');
    expect(absenceOf(scheduled, mondayNoonBerlin)).toBeNull();
    expect(absenceOf(scheduled, mondayEveningBerlin)).toBe('off_shift');
    // The whole rule agrees wherever the operator's own state decides.
    expect(ineligibilityReason(scheduled, undefined, mondayEveningBerlin)).toBe(
      absenceOf(scheduled, mondayEveningBerlin),
    );
  });

  it('keeps only eligible operators, ordered by id', () => {
    const operators = [
      operator({ operatorId: 5 }),
      operator({ operatorId: 2, isActive: false }),
      operator({ operatorId: 3 }),
      operator({ operatorId: 4, weight: 0 }),
      operator({ operatorId: 1, currentLoad: 2 }),
    ];
    expect(eligibleCandidates(operators).map((o) => o.operatorId)).toEqual([3, 5]);
  });

  it('shows a strategy each candidate’s load with its pending offers', () => {
    const [candidate] = eligibleCandidates([
      operator({ currentLoad: 1, offeredLoad: 2, maxLoad: 5 }),
    ]);
    expect(candidate.currentLoad).toBe(3);
  });

  describe('with a skill requirement', () => {
    const needs = (skills: string[], relaxed = false): Requirement => ({ skills, relaxed });

    it.each([
      [[], [], null],
      [['de'], [], null],
      [['de', 'vip'], ['de'], null],
      [['de', 'vip'], ['de', 'vip'], null],
      [['vip'], ['de'], 'missing_skills'],
      [['de'], ['de', 'vip'], 'missing_skills'],
      [[], ['de'], 'missing_skills'],
    ])('has %j, the request needs %j → %p', (skills, required, reason) => {
      expect(ineligibilityReason(operator({ skills }), needs(required))).toBe(reason);
    });

    it('a relaxed request needs no skill', () => {
      expect(ineligibilityReason(operator(), needs(['de'], true))).toBeNull();
      expect(missingFor(operator(), needs(['de', 'vip'], true))).toEqual([]);
      expect(missingFor(operator({ skills: ['vip'] }), needs(['de', 'vip']))).toEqual(['de']);
    });

    it('relaxing overrides only the skills: the other reasons still hold', () => {
      const relaxed = needs(['de'], true);
      expect(ineligibilityReason(operator({ isActive: false }), relaxed)).toBe('inactive');
      expect(ineligibilityReason(operator({ weight: 0 }), relaxed)).toBe('zero_weight');
      expect(ineligibilityReason(operator({ currentLoad: 2 }), relaxed)).toBe('at_capacity');
    });

    it('gives the reasons in order: inactive, zero_weight, missing_skills, at_capacity', () => {
      const de = needs(['de']);
      const full = { currentLoad: 2, maxLoad: 2 };
      expect(ineligibilityReason(operator({ isActive: false, weight: 0, ...full }), de)).toBe(
        'inactive',
      );
      expect(ineligibilityReason(operator({ weight: 0, ...full }), de)).toBe('zero_weight');
      expect(ineligibilityReason(operator(full), de)).toBe('missing_skills');
      expect(ineligibilityReason(operator({ skills: ['de'], ...full }), de)).toBe('at_capacity');
    });

    it('keeps only operators with every required skill', () => {
      const operators = [
        operator({ operatorId: 4, skills: ['de', 'vip'] }),
        operator({ operatorId: 1, skills: ['de'] }),
        operator({ operatorId: 2, skills: ['vip'] }),
        operator({ operatorId: 3 }),
        operator({ operatorId: 5, skills: ['de', 'vip'], currentLoad: 2 }),
      ];
      expect(eligibleCandidates(operators, needs(['de'])).map((o) => o.operatorId)).toEqual([1, 4]);
      expect(eligibleCandidates(operators, needs(['de', 'vip'])).map((o) => o.operatorId)).toEqual([
        4,
      ]);
      expect(
        eligibleCandidates(operators, needs(['de', 'vip'], true)).map((o) => o.operatorId),
      ).toEqual([1, 2, 3, 4]);
      expect(eligibleCandidates(operators).map((o) => o.operatorId)).toEqual([1, 2, 3, 4]);
    });
  });
});
