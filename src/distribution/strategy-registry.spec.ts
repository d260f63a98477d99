import { BadRequestException } from '@nestjs/common';
import { WeightedLeastLoadedStrategy } from './strategies/weighted-least-loaded.strategy';
import { WeightedRandomStrategy } from './strategies/weighted-random.strategy';
import { WeightedRoundRobinStrategy } from './strategies/weighted-round-robin.strategy';
import { configuredStrategy, StrategyRegistry } from './strategy-registry';

describe(StrategyRegistry.name, () => {
  const strategies = [
    new WeightedRandomStrategy(Math.random),
    new WeightedRoundRobinStrategy(),
    new WeightedLeastLoadedStrategy(),
  ];
  const sut = new StrategyRegistry(strategies, strategies[2]);

  it('lists every strategy with its description', () => {
    expect(sut.list().map((s) => s.name)).toEqual([
      'weighted-random',
      'weighted-round-robin',
      'weighted-least-loaded',
    ]);
    expect(sut.list().every((s) => s.description.length > 10)).toBe(true);
  });

  it('falls back to the configured default for a source without a strategy', () => {
    expect(sut.effective(null).name).toBe('weighted-least-loaded');
    expect(sut.effective('weighted-round-robin').name).toBe('weighted-round-robin');
  });

  it('refuses an unknown name with a 400 naming the strategy field', () => {
    const error = (() => {
      try {
        sut.known('fastest');
      } catch (e) {
        return e as BadRequestException;
      }
    })();
    expect(error).toBeInstanceOf(BadRequestException);
    expect(JSON.stringify(error!.getResponse())).toContain('strategy must be one of');
  });

  it('finds the configured default by name', () => {
    expect(configuredStrategy(strategies, 'weighted-round-robin')).toBe(strategies[1]);
  });

  it('refuses an unknown default with one line naming DISTRIBUTION_STRATEGY', () => {
    expect(() => configuredStrategy(strategies, 'nope')).toThrow(
      /^Invalid configuration: DISTRIBUTION_STRATEGY must be one of: weighted-random, /,
    );
  });
});
