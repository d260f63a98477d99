import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { OPERATOR_SELECTION_STRATEGY, RANDOM } from './distribution.constants';
import { DistributionService } from './distribution.service';
import type { OperatorSelectionStrategy } from './strategies/operator-selection.strategy';
import { WeightedRandomStrategy } from './strategies/weighted-random.strategy';

/** Every strategy the service offers; adding one is a class and a line here. */
const STRATEGIES = [WeightedRandomStrategy];

@Module({
  providers: [
    { provide: RANDOM, useValue: Math.random },
    ...STRATEGIES,
    {
      provide: OPERATOR_SELECTION_STRATEGY,
      inject: [AppConfig, ...STRATEGIES],
      useFactory: (config: AppConfig, ...strategies: OperatorSelectionStrategy[]) => {
        const strategy = strategies.find((s) => s.name === config.DISTRIBUTION_STRATEGY);
        if (!strategy) {
          const names = strategies.map((s) => s.name).join(', ');
          throw new Error(`Invalid configuration: DISTRIBUTION_STRATEGY must be one of: ${names}`);
        }
        return strategy;
      },
    },
    DistributionService,
  ],
  exports: [DistributionService],
})
export class DistributionModule {}
