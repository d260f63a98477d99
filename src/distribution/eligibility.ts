import type { Candidate } from './strategies/operator-selection.strategy';

/** `excluded`: left out on purpose (the current operator, on a reassignment). */
export const INELIGIBILITY_REASONS = [
  'inactive',
  'at_capacity',
  'zero_weight',
  'excluded',
] as const;
export type IneligibilityReason = (typeof INELIGIBILITY_REASONS)[number];

/** An operator as configured for a source, with the state that decides its eligibility. */
export interface ConfiguredOperator extends Candidate {
  operatorName: string;
  isActive: boolean;
}

/** Why an operator cannot take a request now, or null when it can. */
export function ineligibilityReason(operator: ConfiguredOperator): IneligibilityReason | null {
  if (!operator.isActive) return 'inactive';
  if (operator.weight <= 0) return 'zero_weight';
  if (operator.currentLoad >= operator.maxLoad) return 'at_capacity';
  return null;
}

export function eligibleCandidates(operators: readonly ConfiguredOperator[]): ConfiguredOperator[] {
  return operators
    .filter((operator) => ineligibilityReason(operator) === null)
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
  };
}
