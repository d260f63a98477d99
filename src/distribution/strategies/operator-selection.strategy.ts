/** An operator configured for the source that could take the request right now. */
export interface Candidate {
  operatorId: number;
  weight: number;
  currentLoad: number;
  maxLoad: number;
}

/**
 * Per-operator state of a stateful strategy for one source (the smooth round-robin's current
 * values), keyed by operator id. Operators without an entry start at 0.
 */
export type StrategyState = ReadonlyMap<number, number>;

/** Why the strategy chose what it chose, as stored in the request's decision (snake_case). */
export type StrategyEvidence = Record<string, unknown>;

export interface Selection {
  operatorId: number;
  /** The strategy's evidence, built only when asked (the simulator never asks). */
  explain(): StrategyEvidence;
  /** Stateful strategies: the new values of the candidates' state (others keep theirs). */
  nextState?: ReadonlyMap<number, number>;
}

/**
 * Picks one of the eligible candidates (all active, under capacity, weight > 0, ordered by
 * operator id). Strategies are pure: the caller reads and writes the state and claims the pick
 * atomically in the database.
 */
export interface OperatorSelectionStrategy {
  readonly name: string;
  readonly description: string;
  /** True when select() reads `state` and returns `nextState` (kept per source and operator). */
  readonly stateful: boolean;
  /**
   * False when select() looks at nothing that changes with every assignment (loads): its choice
   * may then come from a read a moment old (PostgresIntake). Unset counts as true.
   */
  readonly readsLoad?: boolean;
  select(candidates: readonly Candidate[], state?: StrategyState): Selection;
}

export function assertCandidates(candidates: readonly Candidate[]): void {
  if (candidates.length === 0) throw new Error('select() needs at least one candidate');
}
