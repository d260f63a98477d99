import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { OPERATOR_SELECTION_STRATEGY, RANDOM } from './distribution.constants';
import { DistributionService } from './distribution.service';
import type { OperatorSelectionStrategy } from './strategies/operator-selection.strategy';
import { STRATEGIES as STRATEGIES_BY_NAME } from './strategies';
import { StrategiesController } from './strategies.controller';
import { StrategyRegistry } from './strategy-registry';

// Registered in strategies/index.ts, where the config validation reads the names too.
const STRATEGIES = Object.values(STRATEGIES_BY_NAME);

@Module({
  controllers: [StrategiesController],
  providers: [
    { provide: RANDOM, useValue: Math.random },
    ...STRATEGIES,
    {
      provide: StrategyRegistry,
      inject: [AppConfig, ...STRATEGIES],
      useFactory: (config: AppConfig, ...strategies: OperatorSelectionStrategy[]) =>
        new StrategyRegistry(strategies, config.DISTRIBUTION_STRATEGY),
    },
    // The configured default, for sources that set no strategy.
    {
      provide: OPERATOR_SELECTION_STRATEGY,
      inject: [StrategyRegistry],
      useFactory: (registry: StrategyRegistry) => registry.defaultStrategy,
    },
    DistributionService,
  ],
  exports: [DistributionService, StrategyRegistry, OPERATOR_SELECTION_STRATEGY],
})
export class DistributionModule {}
