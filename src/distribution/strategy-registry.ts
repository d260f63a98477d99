import { BadRequestException } from '@nestjs/common';
import { STRATEGY_NAMES } from './strategies';
import type { OperatorSelectionStrategy } from './strategies/operator-selection.strategy';

export interface StrategyInfo {
  name: string;
  description: string;
}

/** The strategy DISTRIBUTION_STRATEGY names; start-up stops with one line when none does. */
export function configuredStrategy(
  strategies: readonly OperatorSelectionStrategy[],
  name: string,
): OperatorSelectionStrategy {
  const strategy = strategies.find((s) => s.name === name);
  if (!strategy) {
    const names = strategies.map((s) => s.name).join(', ');
    throw new Error(`Invalid configuration: DISTRIBUTION_STRATEGY must be one of: ${names}`);
  }
  return strategy;
}

/** Every strategy by name, and the default for sources that set none. */
export class StrategyRegistry {
  private readonly byName: ReadonlyMap<string, OperatorSelectionStrategy>;

  constructor(
    strategies: readonly OperatorSelectionStrategy[],
    readonly defaultStrategy: OperatorSelectionStrategy,
  ) {
    this.byName = new Map(strategies.map((s) => [s.name, s]));
    const unregistered = strategies.filter((s) => !(STRATEGY_NAMES as string[]).includes(s.name));
    if (unregistered.length)
      throw new Error(`strategy ${unregistered[0].name} is not in STRATEGIES`);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  list(): StrategyInfo[] {
    return [...this.byName.values()].map(({ name, description }) => ({ name, description }));
  }

  /** The strategy a source uses: its own, or the default when it sets none. */
  effective(name: string | null | undefined): OperatorSelectionStrategy {
    return (name && this.byName.get(name)) || this.defaultStrategy;
  }

  /** A strategy named by a client; 400 naming the `strategy` field when unknown. */
  known(name: string): OperatorSelectionStrategy {
    const strategy = this.byName.get(name);
    if (!strategy) {
      throw new BadRequestException([`strategy must be one of: ${this.names().join(', ')}`]);
    }
    return strategy;
  }
}
