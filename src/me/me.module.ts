import { Module } from '@nestjs/common';
import { OffersModule } from '../offers/offers.module';
import { OperatorsModule } from '../operators/operators.module';
import { RequestsModule } from '../requests/requests.module';
import { MeController } from './me.controller';

/** /me: the caller's own operator, work and offers, read through the features that own them. */
@Module({
  imports: [OperatorsModule, RequestsModule, OffersModule],
  controllers: [MeController],
})
export class MeModule {}
