/** Injection token of the configured OperatorSelectionStrategy. */
export const OPERATOR_SELECTION_STRATEGY = Symbol('OPERATOR_SELECTION_STRATEGY');

/** Injection token of the random source: `() => number` in [0, 1), fixed by unit tests. */
export const RANDOM = Symbol('RANDOM');
export type RandomSource = () => number;
