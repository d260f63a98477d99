import {
  ConfiguredOperator,
  IneligibilityReason,
  ineligibilityReason,
  missingFor,
  NO_REQUIREMENT,
  type Requirement,
} from './eligibility';
import type { AssignmentTrigger } from '../events/request-event';
import type { StrategyEvidence } from './strategies/operator-selection.strategy';

/** One operator configured for the source, as the decision saw it (before this assignment). */
export interface DecisionOperator {
  operator_id: number;
  operator_name: string;
  weight: number;
  current_load: number;
  /** Its pending offers, which hold room as active requests do. */
  offered_load: number;
  max_load: number;
  is_active: boolean;
  eligible: boolean;
  reason: IneligibilityReason | null;
  /** The request's skills this operator lacks (empty once the request is relaxed). */
  missing_skills: string[];
}

/**
 * Why a request went to the operator it went to, or to nobody. Stored as JSON on the request
 * (snake_case, as served by GET /requests/{id}/decision).
 */
export interface Decision {
  strategy: string;
  /** What made this assignment happen: intake, drain, manual, reassign or release. */
  trigger: AssignmentTrigger;
  /** Sticky source: the lead's last operator there (null when none or the source is not sticky). */
  sticky_operator_id: number | null;
  /** True when stickiness, not the strategy, chose the operator. */
  sticky: boolean;
  /** Operators left out on purpose (the current one, on a reassignment). */
  excluded_operator_ids: number[];
  summary: string;
  chosen_operator_id: number | null;
  operators: DecisionOperator[];
  /** The strategy's own evidence for the final pick; null when nobody was eligible. */
  evidence: StrategyEvidence | null;
  /** Picks whose capacity another transaction took first; the strategy then chose again. */
  claims_lost: number[];
  /** The request's skills: its source's required skills and its own. */
  required_skills: string[];
  /** True when the request had waited past its source's fallback and needed no skill. */
  skills_relaxed: boolean;
  decided_at: string;
}

export function decisionOperators(
  configured: readonly ConfiguredOperator[],
  claimsLost: readonly number[] = [],
  requirement: Requirement = NO_REQUIREMENT,
): DecisionOperator[] {
  return configured.map((o) => {
    const reason = claimsLost.includes(o.operatorId)
      ? 'at_capacity'
      : ineligibilityReason(o, requirement);
    return {
      operator_id: o.operatorId,
      operator_name: o.operatorName,
      weight: o.weight,
      current_load: o.currentLoad,
      offered_load: o.offeredLoad,
      max_load: o.maxLoad,
      is_active: o.isActive,
      eligible: reason === null,
      reason,
      missing_skills: missingFor(o, requirement),
    };
  });
}

function summarise(
  strategy: string,
  operators: readonly DecisionOperator[],
  chosen: DecisionOperator | undefined,
  sticky: boolean,
): string {
  if (operators.length === 0) return 'No operator is configured for this source.';
  const eligible = operators.filter((o) => o.eligible).length;
  if (chosen && sticky) {
    return (
      `Sticky source: operator ${chosen.operator_id} (${chosen.operator_name}) had the lead's ` +
      `last request here and is eligible, so it was chosen before the strategy.`
    );
  }
  if (chosen) {
    return (
      `${strategy} chose operator ${chosen.operator_id} (${chosen.operator_name}) among ` +
      `${eligible} eligible of ${operators.length} configured.`
    );
  }
  const counts = new Map<string, number>();
  for (const o of operators) if (o.reason) counts.set(o.reason, (counts.get(o.reason) ?? 0) + 1);
  const reasons = [...counts].map(([reason, n]) => `${n} ${reason}`).join(', ');
  return `No operator available: ${operators.length} configured, ${reasons}.`;
}

export interface DecisionContext {
  strategy: string;
  trigger: AssignmentTrigger;
  stickyOperatorId: number | null;
  excluded: number[];
  requirement?: Requirement;
}

/** The decision for one assignment: `chosenId` null (and no evidence) when nobody took it. */
export function buildDecision(
  context: DecisionContext,
  configured: readonly ConfiguredOperator[],
  claimsLost: readonly number[],
  chosenId: number | null,
  evidence: StrategyEvidence | null,
  sticky: boolean,
): Decision {
  const { strategy } = context;
  const requirement = context.requirement ?? NO_REQUIREMENT;
  const operators = decisionOperators(configured, claimsLost, requirement).map((o) =>
    context.excluded.includes(o.operator_id) && o.eligible
      ? { ...o, eligible: false, reason: 'excluded' as const }
      : o,
  );
  const chosen = operators.find((o) => o.operator_id === chosenId);
  return {
    strategy,
    trigger: context.trigger,
    sticky_operator_id: context.stickyOperatorId,
    sticky,
    excluded_operator_ids: [...context.excluded],
    summary: summarise(strategy, operators, chosen, sticky),
    chosen_operator_id: chosenId,
    operators,
    evidence,
    claims_lost: [...claimsLost],
    required_skills: [...requirement.skills],
    skills_relaxed: requirement.relaxed,
    decided_at: new Date().toISOString(),
  };
}
