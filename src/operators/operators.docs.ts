import { applyDecorators } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
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
import { CreateOperatorDto } from './dto/create-operator.dto';
import { OperatorResponseDto } from './dto/operator-response.dto';
import { ReleaseResponseDto } from './dto/release-response.dto';
import { UpdateOperatorDto } from './dto/update-operator.dto';
import { OperatorEventResponseDto } from './dto/operator-event-response.dto';
import { SetPresenceDto } from './dto/set-presence.dto';

// Each route's OpenAPI description in one decorator; its 400 examples come from its own DTO.

const operatorNotFound = () => ApiNotFound('operator 42 not found', 'No operator has this id');

export const ApiCreateOperator = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Create an operator',
      description:
        '`name` is required; `is_active` defaults to true, `max_load` to 10 (0..100000).',
    }),
    ApiCreatedResponse({ type: OperatorResponseDto, description: 'The new operator' }),
    ApiInvalid({
      missingName: validationExample(CreateOperatorDto, {}),
      outOfRange: validationExample(CreateOperatorDto, { name: 'Ann', max_load: -1 }),
    }),
    ApiTooLarge(),
  );

export const ApiListOperators = () =>
  applyDecorators(
    ApiOperation({
      summary: 'List operators, by id',
      description: 'Each with `current_load`, its number of active requests.',
    }),
    ApiPaginatedList(OperatorResponseDto, 'Operators with their current load'),
  );

export const ApiGetOperator = () =>
  applyDecorators(
    ApiOperation({ summary: 'Get an operator', description: 'With its live `current_load`.' }),
    ApiOkResponse({ type: OperatorResponseDto, description: 'The operator' }),
    ApiInvalid({ badId: invalidId() }),
    operatorNotFound(),
  );

export const ApiUpdateOperator = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Update an operator',
      description:
        'Any subset of name, is_active, max_load, skills, schedule. Lowering max_load below ' +
        'current_load keeps existing requests; the operator gets no new ones until its load is ' +
        'below the new limit. A schedule is replaced whole (null: always on shift); a change of ' +
        '`is_active` is written to the operator’s history (`activated`, `deactivated`).',
    }),
    ApiOkResponse({ type: OperatorResponseDto, description: 'The updated operator' }),
    ApiInvalid({
      badValue: validationExample(UpdateOperatorDto, { is_active: null, max_load: 100001 }),
      badSchedule: validationExample(UpdateOperatorDto, {
        schedule: {
          time_zone: 'Europe/Berlin',
          weekly: [{ day: 'mon', start: '18:00', end: '09:00' }],
          exceptions: [],
        },
      }),
      badId: invalidId(),
    }),
    operatorNotFound(),
    ApiTooLarge(),
  );

export const ApiReleaseOperator = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Hand an inactive operator’s open requests to others',
      description:
        'Every active request of the (inactive) operator goes to another operator by its ' +
        'source’s rules; the ones nobody can take now wait, and are assigned as soon as someone ' +
        'has room. Each move is a `reassigned` (or `waiting`) event with trigger `release`.',
    }),
    ApiOkResponse({
      type: ReleaseResponseDto,
      description: 'How many were moved and how many wait',
    }),
    ApiInvalid({ badId: invalidId() }),
    operatorNotFound(),
    ApiConflict(
      'The operator is active: deactivate it first',
      'operator 3 is active; deactivate it before releasing its requests',
      'OPERATOR_ACTIVE',
    ),
  );

export const ApiSetPresence = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Set an operator’s presence',
      description:
        '`available`, `away` or `offline`, with an optional `reason`. Only available operators ' +
        'get new requests; going away or offline keeps the current ones, and becoming available ' +
        'drains waiting work into the operator at once. A change is a `presence_changed` event ' +
        'in the operator’s history (actor `operator` when its own key made it) and an ' +
        '`operator.presence_changed` webhook. An operator key may set its own presence only.',
    }),
    ApiOkResponse({ type: OperatorResponseDto, description: 'The operator' }),
    ApiInvalid({
      badPresence: validationExample(SetPresenceDto, { presence: 'lunch' }),
      badId: invalidId(),
    }),
    operatorNotFound(),
    ApiForbidden('An operator key setting another operator’s presence', {
      otherOperator: "an operator key may only set its own presence (operator 2), not operator 3's",
    }),
    ApiTooLarge(),
  );

export const ApiOperatorHistory = () =>
  applyDecorators(
    ApiOperation({
      summary: 'An operator’s history',
      description:
        'Its presence changes, activations and deactivations, and shift starts and ends, ' +
        'oldest first; each with the presence after it.',
    }),
    ApiOkResponse({ type: [OperatorEventResponseDto], description: 'The events' }),
    ApiInvalid({ badId: invalidId() }),
    operatorNotFound(),
  );
