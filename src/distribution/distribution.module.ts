import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { OPERATOR_SELECTION_STRATEGY, RANDOM } from './distribution.constants';
import { DistributionService } from './distribution.service';
import type { OperatorSelectionStrategy } from './strategies/operator-selection.strategy';
import { STRATEGIES as STRATEGIES_BY_NAME } from './strategies';
import { StrategiesController } from './strategies.controller';
import { configuredStrategy, StrategyRegistry } from './strategy-registry';

// Registered in strategies/index.ts, where the config validation reads the names too.
const STRATEGIES = Object.values(STRATEGIES_BY_NAME);

@Module({
  controllers: [StrategiesController],
  providers: [
    { provide: RANDOM, useValue: Math.random },
    ...STRATEGIES,
    // The configured default (DISTRIBUTION_STRATEGY), for sources that set no strategy.
    {
      provide: OPERATOR_SELECTION_STRATEGY,
      inject: [AppConfig, ...STRATEGIES],
      useFactory: (config: AppConfig, ...strategies: OperatorSelectionStrategy[]) =>
        configuredStrategy(strategies, config.DISTRIBUTION_STRATEGY),
    },
    {
      provide: StrategyRegistry,
      inject: [OPERATOR_SELECTION_STRATEGY, ...STRATEGIES],
      useFactory: (
        defaultStrategy: OperatorSelectionStrategy,
        ...strategies: OperatorSelectionStrategy[]
      ) => new StrategyRegistry(strategies, defaultStrategy),
    },
    DistributionService,
  ],
  exports: [DistributionService, StrategyRegistry],
})
export class DistributionModule {}
