import type { Presence } from '../operators/presence';
import { isOnShift, type Schedule } from '../shifts/schedule';
import { parseSchedule } from '../shifts/schedule-column';
import { missingSkills, parseSkills } from './skills';
import type { Candidate } from './strategies/operator-selection.strategy';

/**
 * `excluded`: left out on purpose (the current operator, on a reassignment); `missing_skills`:
 * lacks a skill the request requires (until the request is relaxed); `not_available`: its
 * presence is away or offline; `off_shift`: outside its schedule's hours.
 */
export const INELIGIBILITY_REASONS = [
  'inactive',
  'not_available',
  'off_shift',
  'at_capacity',
  'zero_weight',
  'missing_skills',
  'excluded',
] as const;
export type IneligibilityReason = (typeof INELIGIBILITY_REASONS)[number];

/** An operator as configured for a source, with the state that decides its eligibility. */
export interface ConfiguredOperator extends Candidate {
  operatorName: string;
  isActive: boolean;
  /** Its pending offers: they hold room as active requests do. */
  offeredLoad: number;
  skills: readonly string[];
  presence: Presence;
  /** null: always on shift. */
  schedule: Schedule | null;
}

/** What the request asks of its operator. */
export interface Requirement {
  /** The request's skills: its source's required skills and its own. */
  skills: readonly string[];
  /** Past its source's fallback: any of the source's operators may take it. */
  relaxed: boolean;
}

export const NO_REQUIREMENT: Requirement = { skills: [], relaxed: false };

/** The skills the operator lacks for this request (none once the request is relaxed). */
export function missingFor(operator: ConfiguredOperator, requirement: Requirement): string[] {
  return requirement.relaxed ? [] : missingSkills(operator.skills, requirement.skills);
}

/**
 * THE ELIGIBILITY RULE: why an operator configured for the source cannot take this request now,
 * or null when it can. Intake, drain, reassign, release and the simulator all ask here; the SQL
 * that re-checks a claim (OperatorsRepository.claimCapacity) re-checks the parts that change
 * under a claim's feet (activity, presence, room). The shift is evaluated here, at `now`, from
 * the schedule: it depends on the time, not on a stored flag.
 */
export function ineligibilityReason(
  operator: ConfiguredOperator,
  requirement: Requirement = NO_REQUIREMENT,
  now: Date = new Date(),
): IneligibilityReason | null {
  if (!operator.isActive) return 'inactive';
  if (operator.weight <= 0) return 'zero_weight';
  const absence = absenceOf(operator, now);
  if (absence !== null) return absence;
  if (missingFor(operator, requirement).length > 0) return 'missing_skills';
  if (operator.currentLoad + operator.offeredLoad >= operator.maxLoad) return 'at_capacity';
  return null;
}

/**
 * The operator's own part of the rule, whatever the source or request: why it is not there to
 * take work now (inactive, away or offline, off shift), or null. Pending offers are withdrawn
 * from an operator for which this is not null.
 */
export function absenceOf(
  operator: Pick<ConfiguredOperator, 'isActive' | 'presence' | 'schedule'>,
  now: Date = new Date(),
): Extract<IneligibilityReason, 'inactive' | 'not_available' | 'off_shift'> | null {
  if (!operator.isActive) return 'inactive';
  if (operator.presence !== 'available') return 'not_available';
  if (!isOnShift(operator.schedule, now)) return 'off_shift';
  return null;
}

/**
 * The operators that may take the request now, by id. A strategy sees each one's load as the
 * units it holds, its pending offers included.
 */
export function eligibleCandidates(
  operators: readonly ConfiguredOperator[],
  requirement: Requirement = NO_REQUIREMENT,
  now: Date = new Date(),
): ConfiguredOperator[] {
  return operators
    .filter((operator) => ineligibilityReason(operator, requirement, now) === null)
    .map((operator) =>
      operator.offeredLoad === 0
        ? operator
        : { ...operator, currentLoad: operator.currentLoad + operator.offeredLoad },
    )
    .sort((a, b) => a.operatorId - b.operatorId);
}

/** A configured operator as a query returns it (SQLite: booleans as 0/1; PostgreSQL: bigint as text). */
export function toConfiguredOperator(row: Record<string, unknown>): ConfiguredOperator {
  return {
    operatorId: Number(row.operatorId),
    operatorName: String(row.operatorName),
    isActive: Boolean(row.isActive),
    currentLoad: Number(row.currentLoad),
    offeredLoad: Number(row.offeredLoad ?? 0),
    maxLoad: Number(row.maxLoad),
    weight: Number(row.weight),
    skills: parseSkills(row.skills),
    presence: row.presence as Presence,
    schedule: parseSchedule(row.schedule),
  };
}
