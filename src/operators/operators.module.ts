import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LifecycleModule } from '../requests/lifecycle/lifecycle.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { Operator } from './entities/operator.entity';
import { OperatorsController } from './operators.controller';
import { OperatorsService } from './operators.service';
import { OperatorStateService } from './operator-state.service';
import { OperatorWebhooksWriter } from './operator-webhooks.writer';
import { ShiftPassService } from '../shifts/shift-pass.service';

@Module({
  imports: [TypeOrmModule.forFeature([Operator]), LifecycleModule, WebhooksModule],
  controllers: [OperatorsController],
  providers: [OperatorsService, OperatorStateService, OperatorWebhooksWriter, ShiftPassService],
  exports: [OperatorsService, OperatorStateService, ShiftPassService],
})
export class OperatorsModule {}
