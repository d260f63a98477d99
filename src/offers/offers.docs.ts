import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ApiConflict,
  ApiForbidden,
  ApiInvalid,
  ApiNotFound,
  ApiPaginatedList,
  ApiTooLarge,
  invalidId,
  validationExample,
} from '../common/api-docs';
import { RequestResponseDto } from '../requests/dto/request-response.dto';
import { DeclineOfferDto } from './dto/decline-offer.dto';
import { ListOffersQueryDto } from './dto/list-offers-query.dto';
import { OfferResponseDto } from './dto/offer-response.dto';

const offerNotFound = () => ApiNotFound('offer 42 not found', 'No offer has this id');
// Accept and decline take an operator key for its own offers (the guard admits it, the service
// checks whose offer it is); every other offers route is the admin's (the generic 403).
const notYours = () =>
  ApiForbidden('An operator key and an offer made to another operator', {
    notItsOffer: 'offer 7 was made to another operator',
  });
const notPending = () =>
  ApiConflict(
    'The offer is not pending (declined, expired, withdrawn, or accepted by then): nothing changed',
    'offer 7 is expired',
    'OFFER_NOT_PENDING',
  );

export const ApiListOffers = () =>
  applyDecorators(
    ApiOperation({
      summary: 'List offers, by id',
      description:
        'Every offer made on sources with `assignment: "offer"`, filtered by `operator_id`, ' +
        '`request_id` and `status`.',
    }),
    ApiPaginatedList(OfferResponseDto, 'Offers', {
      dto: ListOffersQueryDto,
      sample: { status: 'maybe' },
    }),
  );

export const ApiGetOffer = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Get an offer',
      description: 'With its status, expiry and, once it ended, when and why.',
    }),
    ApiOkResponse({ type: OfferResponseDto, description: 'The offer' }),
    ApiInvalid({ badId: invalidId() }),
    offerNotFound(),
  );

export const ApiAcceptOffer = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Accept an offer',
      description:
        'The request becomes the operator’s (history `assigned`, trigger `offer`); its offered ' +
        'unit becomes an active one. Accepting an offer already accepted answers the same 200. ' +
        'An admin key may accept on the operator’s behalf; an operator key only its own offers.',
    }),
    ApiOkResponse({ type: RequestResponseDto, description: 'The request, assigned' }),
    ApiInvalid({ badId: invalidId() }),
    notYours(),
    offerNotFound(),
    notPending(),
  );

export const ApiDeclineOffer = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Decline an offer',
      description:
        'The request is offered at once to the next eligible operator by the source’s strategy, ' +
        'never to one who declined it or let it expire while another remains; when none remains ' +
        'those exclusions are cleared and the request waits (history `waiting`) and drains as ' +
        'usual. The body is optional. An admin key may decline on the operator’s behalf; an ' +
        'operator key only its own offers.',
    }),
    ApiOkResponse({ type: OfferResponseDto, description: 'The offer, declined' }),
    ApiInvalid({
      badId: invalidId(),
      badReason: validationExample(DeclineOfferDto, { reason: '' }),
    }),
    notYours(),
    offerNotFound(),
    notPending(),
    ApiTooLarge(),
  );
