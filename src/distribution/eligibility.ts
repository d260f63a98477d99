import { missingSkills, parseSkills } from './skills';
import type { Candidate } from './strategies/operator-selection.strategy';

/**
 * `excluded`: left out on purpose (the current operator, on a reassignment); `missing_skills`:
 * lacks a skill the request requires (until the request is relaxed).
 */
export const INELIGIBILITY_REASONS = [
  'inactive',
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
  skills: readonly string[];
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
 * under a claim's feet (activity, room).
 */
export function ineligibilityReason(
  operator: ConfiguredOperator,
  requirement: Requirement = NO_REQUIREMENT,
): IneligibilityReason | null {
  if (!operator.isActive) return 'inactive';
  if (operator.weight <= 0) return 'zero_weight';
  if (missingFor(operator, requirement).length > 0) return 'missing_skills';
  if (operator.currentLoad >= operator.maxLoad) return 'at_capacity';
  return null;
}

export function eligibleCandidates(
  operators: readonly ConfiguredOperator[],
  requirement: Requirement = NO_REQUIREMENT,
): ConfiguredOperator[] {
  return operators
    .filter((operator) => ineligibilityReason(operator, requirement) === null)
    .sort((a, b) => a.operatorId - b.operatorId);
}

/** A configured operator as a query returns it (SQLite: booleans as 0/1; PostgreSQL: bigint as text). */
export function toConfiguredOperator(row: Record<string, unknown>): ConfiguredOperator {
  return {
    operatorId: Number(row.operatorId),
    operatorName: String(row.operatorName),
    isActive: Boolean(row.isActive),
    currentLoad: Number(row.currentLoad),
    maxLoad: Number(row.maxLoad),
    weight: Number(row.weight),
    skills: parseSkills(row.skills),
  };
}
