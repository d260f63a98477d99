/** An operator configured for the source that could take the request right now. */
export interface Candidate {
  operatorId: number;
  weight: number;
  currentLoad: number;
  maxLoad: number;
}

/**
 * Picks one of the eligible candidates (all active, under capacity, weight > 0, ordered by
 * operator id). Strategies are pure: the caller claims the pick atomically in the database.
 */
export interface OperatorSelectionStrategy {
  readonly name: string;
  readonly description: string;
  select(candidates: readonly Candidate[]): Candidate;
}
