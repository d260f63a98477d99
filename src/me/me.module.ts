import { Module } from '@nestjs/common';
import { OperatorsModule } from '../operators/operators.module';
import { RequestsModule } from '../requests/requests.module';
import { MeController } from './me.controller';

/** /me: the caller's own operator and work, read through the features that own them. */
@Module({
  imports: [OperatorsModule, RequestsModule],
  controllers: [MeController],
})
export class MeModule {}
