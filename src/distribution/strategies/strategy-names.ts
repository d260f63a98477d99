/** Names of the registered strategies, known before Nest starts so config validation can list them. */
export const STRATEGY_NAMES = ['weighted-random'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];
