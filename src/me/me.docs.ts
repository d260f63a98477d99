import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { OPERATOR_KEY_REQUIRED } from '../auth/api-key.guard';
import { ErrorResponseDto, ApiPaginatedList } from '../common/api-docs';
import { OfferResponseDto } from '../offers/dto/offer-response.dto';
import { OperatorResponseDto } from '../operators/dto/operator-response.dto';
import { RequestResponseDto } from '../requests/dto/request-response.dto';

// A /me route answers for the operator whose key calls it; any other caller has no such identity.
const noOperatorKey = () =>
  ApiUnauthorizedResponse({
    description:
      'No operator key: none at all, a wrong or revoked one, or an admin or intake key (they ' +
      'are nobody’s own). Also without ADMIN_API_KEYS (the open API), unless an operator key is ' +
      'sent.',
    type: ErrorResponseDto,
    example: { statusCode: 401, error: 'Unauthorized', message: OPERATOR_KEY_REQUIRED },
  });

export const ApiGetMe = () =>
  applyDecorators(
    ApiOperation({
      summary: 'The caller’s own operator (operator key)',
      description: 'The Operator whose key calls it, with its live load, presence and shift.',
    }),
    ApiOkResponse({ type: OperatorResponseDto, description: 'The operator' }),
    noOperatorKey(),
  );

export const ApiMyRequests = () =>
  applyDecorators(
    ApiOperation({
      summary: 'The caller’s active requests (operator key)',
      description:
        'The requests assigned to the operator whose key calls it and still active, oldest ' +
        'first (by id): its work now. Closed ones are not listed.',
    }),
    ApiPaginatedList(RequestResponseDto, 'Its active requests, by id'),
    noOperatorKey(),
  );

export const ApiMyOffers = () =>
  applyDecorators(
    ApiOperation({
      summary: 'The caller’s pending offers (operator key)',
      description:
        'The offers made to the operator whose key calls it and still pending, by id (oldest ' +
        'first), each with its `expires_at`: accept or decline them with POST ' +
        '/offers/{id}/accept or /decline.',
    }),
    ApiPaginatedList(OfferResponseDto, 'Its pending offers, by id'),
    noOperatorKey(),
  );
