import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { principalOf } from '../auth/principal';
import { OperatorAllowed } from '../auth/public.decorator';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { DeclineOfferDto } from './dto/decline-offer.dto';
import { ListOffersQueryDto } from './dto/list-offers-query.dto';
import { OfferResponseDto } from './dto/offer-response.dto';
import { ApiAcceptOffer, ApiDeclineOffer, ApiGetOffer, ApiListOffers } from './offers.docs';
import { OffersService } from './offers.service';
import type { RequestResponseDto } from '../requests/dto/request-response.dto';

@ApiTags('offers')
@Controller('offers')
export class OffersController {
  constructor(private readonly offers: OffersService) {}

  @Get()
  @ApiListOffers()
  list(@Query() query: ListOffersQueryDto) {
    return this.offers.list(query);
  }

  @Get(':id')
  @ApiGetOffer()
  get(
    @Param('id', PositiveIntPipe) id: number,
    @Req() request: Request,
  ): Promise<OfferResponseDto> {
    return this.offers.get(id, principalOf(request));
  }

  @Post(':id/accept')
  @OperatorAllowed()
  @HttpCode(200)
  @ApiAcceptOffer()
  accept(
    @Param('id', PositiveIntPipe) id: number,
    @Req() request: Request,
  ): Promise<RequestResponseDto> {
    return this.offers.accept(id, principalOf(request));
  }

  @Post(':id/decline')
  @OperatorAllowed()
  @HttpCode(200)
  @ApiDeclineOffer()
  decline(
    @Param('id', PositiveIntPipe) id: number,
    @Body() dto: DeclineOfferDto,
    @Req() request: Request,
  ): Promise<OfferResponseDto> {
    return this.offers.decline(id, dto.reason ?? null, principalOf(request));
  }
}
