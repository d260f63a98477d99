import { Module } from '@nestjs/common';
import { LifecycleModule } from '../requests/lifecycle/lifecycle.module';
import { OperatorsModule } from '../operators/operators.module';
import { OfferExpiryService } from './offer-expiry.service';
import { OffersController } from './offers.controller';
import { OffersService } from './offers.service';

/** Offers on `assignment: "offer"` sources: the routes, and the expiry pass. */
@Module({
  imports: [LifecycleModule, OperatorsModule],
  controllers: [OffersController],
  providers: [OffersService, OfferExpiryService],
  exports: [OffersService, OfferExpiryService],
})
export class OffersModule {}
