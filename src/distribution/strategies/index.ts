import { WeightedLeastLoadedStrategy } from './weighted-least-loaded.strategy';
import { WeightedRandomStrategy } from './weighted-random.strategy';
import { WeightedRoundRobinStrategy } from './weighted-round-robin.strategy';

/**
 * Every strategy the service offers, by the name sources and DISTRIBUTION_STRATEGY use.
 * Adding one is a class and a line here.
 */
export const STRATEGIES = {
  'weighted-random': WeightedRandomStrategy,
  'weighted-round-robin': WeightedRoundRobinStrategy,
  'weighted-least-loaded': WeightedLeastLoadedStrategy,
} as const;

export type StrategyName = keyof typeof STRATEGIES;
export const STRATEGY_NAMES = Object.keys(STRATEGIES) as StrategyName[];
