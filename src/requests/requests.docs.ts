import { applyDecorators } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  ApiConflict,
  ApiForbidden,
  ApiInvalid,
  ApiNotFound,
  ApiPaginatedList,
  ApiTooLarge,
  ErrorResponseDto,
  invalidId,
  validationExample,
} from '../common/api-docs';
import { LeadResponseDto } from '../leads/dto/lead-response.dto';
import { CreateRequestDto } from './dto/create-request.dto';
import { DecisionResponseDto } from './dto/decision-response.dto';
import { SourceStatsDto } from './dto/distribution-stats.dto';
import { ListRequestsQueryDto } from './dto/list-requests-query.dto';
import { RequestResponseDto } from './dto/request-response.dto';
import { UpdateStatusDto } from './dto/update-status.dto';
import { AssignRequestDto } from './dto/assign-request.dto';
import { RequestEventResponseDto } from './dto/request-event-response.dto';
import { DECISION_EXAMPLES } from './requests.examples';
import { REQUEST_STATUSES } from './entities/request.entity';

// Each route's OpenAPI description in one decorator; its 400 examples come from its own rules.

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** PATCH /requests/{id}/status with no status in the query or the body. */
export const STATUS_REQUIRED = `status is required (query or body): one of ${REQUEST_STATUSES.join(', ')}`;

const requestNotFound = () => ApiNotFound('request 42 not found', 'No request has this id');

// An operator key reads only its own requests (RequestAccess.canSee).
const notTheOperatorsRequest = () =>
  ApiForbidden('An operator key on a request neither assigned nor offered to it', {
    notItsRequest: 'request 5 is neither assigned nor offered to operator 2',
  });

export const ApiCreateRequest = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Register a request and assign it to an operator',
      description:
        'Finds the lead by lead_external_id or creates it, then picks an operator among those ' +
        'configured for the source with weight > 0, active and below max_load, by the source’s ' +
        'strategy. When nobody is available the request is stored with operator_id null (still 201). ' +
        'An intake key of the source may call this route, for its own source only. ' +
        'With an Idempotency-Key, a retry with the same key and body returns the stored response ' +
        '(with Idempotent-Replayed: true) instead of creating another request; keys are kept per ' +
        'caller for IDEMPOTENCY_TTL_HOURS. A failed attempt (4xx/5xx) is not stored: the key can ' +
        'be retried with a corrected body.',
    }),
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description: '1..255 characters, unique per logical request (a UUID)',
      example: '4f7c2a8e-3b1d-4c5e-9a6f-0d2b8e1c7a95',
    }),
    ApiCreatedResponse({
      type: RequestResponseDto,
      description: 'The stored request, with its operator or operator_id null',
      headers: {
        [IDEMPOTENT_REPLAYED_HEADER]: {
          description: '`true` when this is the stored response of an earlier request with the key',
          schema: { type: 'string', example: 'true' },
        },
      },
    }),
    ApiInvalid({
      missingFields: validationExample(CreateRequestDto, {}),
      badContact: validationExample(CreateRequestDto, {
        lead_external_id: 'customer_12345',
        source_id: 1,
        lead_email: 'not-an-email',
      }),
      unknownField: validationExample(CreateRequestDto, {
        lead_external_id: 'customer_12345',
        source_id: 1,
        priority: 'high',
      }),
      badIdempotencyKey: [`${IDEMPOTENCY_KEY_HEADER} must be 1 to 255 characters`],
    }),
    ApiNotFound('source 42 not found', 'No source has this source_id; nothing was written'),
    ApiTooLarge(),
    ApiConflictResponse({
      description: 'A request with the same Idempotency-Key is still in flight',
      type: ErrorResponseDto,
      example: {
        statusCode: 409,
        error: 'Conflict',
        message: 'a request with this Idempotency-Key is still being processed; retry later',
        code: 'IDEMPOTENCY_CONTENDED',
      },
    }),
    ApiUnprocessableEntityResponse({
      description: 'The Idempotency-Key was used with a different body',
      type: ErrorResponseDto,
      example: {
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: 'this Idempotency-Key was already used with a different body',
      },
    }),
  );

export const ApiListRequests = () =>
  applyDecorators(
    ApiOperation({
      summary: 'List requests, by id, optionally filtered',
      description:
        'Filters `source_id`, `operator_id`, `lead_id`, `status`, `waiting` combine with AND. ' +
        '`waiting=true` lists the queue (active requests nobody has yet), oldest first.',
    }),
    ApiPaginatedList(RequestResponseDto, 'Requests matching every given filter', {
      dto: ListRequestsQueryDto,
      sample: { status: 'bogus', source_id: 0, waiting: 'maybe' },
    }),
  );

export const ApiLeadsWithRequests = () =>
  applyDecorators(
    ApiOperation({
      summary: 'List leads with their requests from every source',
      description:
        'The same list as GET /leads: each lead with its requests, each with `source_name`.',
    }),
    ApiPaginatedList(LeadResponseDto, 'Leads, by id, each with its requests'),
  );

export const ApiDistributionStats = () =>
  applyDecorators(
    ApiOperation({
      summary: 'How each source’s requests are spread over its operators',
      description:
        'Per source: totals, unassigned requests, and per operator its `share` of the assigned ' +
        'requests against its `expected_share` (weight / sum of weights).',
    }),
    ApiPaginatedList(SourceStatsDto, 'One entry per source, by source id'),
  );

export const ApiGetDecision = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Why the request went to its operator (or to nobody)',
      description:
        'The decision recorded with the request: the strategy, every operator configured for the ' +
        'source with its weight, load, capacity and eligibility (reason `inactive`, `at_capacity`, ' +
        '`zero_weight` or `excluded` when not eligible), the chosen operator, the strategy’s ' +
        'evidence, what triggered the assignment (intake, drain, manual, reassign, release) and ' +
        'whether a sticky source’s last operator decided. It is replaced at every assignment.',
    }),
    ApiOkResponse({
      type: DecisionResponseDto,
      description: 'The decision recorded when the request was assigned',
      examples: DECISION_EXAMPLES,
    }),
    ApiInvalid({ badId: invalidId() }),
    ApiNotFound('request 42 not found', 'No request has this id'),
  );

export const ApiGetRequest = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Get a request',
      description:
        'Unknown id → 404. An operator key reads the requests assigned or offered to it.',
    }),
    ApiOkResponse({ type: RequestResponseDto, description: 'The request' }),
    ApiInvalid({ badId: invalidId() }),
    requestNotFound(),
    notTheOperatorsRequest(),
  );

export const ApiUpdateStatus = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Close or reopen a request',
      description:
        'Status from the query (`?status=closed`) or the body (`{"status": "closed"}`). Closing frees ' +
        'one unit of the operator’s load, which the oldest waiting request it may take gets at once; ' +
        'closing a closed request changes nothing, closing a waiting one takes it out of the queue. ' +
        'Reopening counts toward the operator’s load again and is refused with 409 when the ' +
        'operator is at capacity; when the operator is inactive (or there is none) the request ' +
        'waits instead, and is assigned at once if someone has room. An operator key may close ' +
        'the requests assigned to it (and nothing else: no reopening, no one else’s); its close ' +
        'is written to the history with actor `operator`.',
    }),
    ApiQuery({ name: 'status', enum: REQUEST_STATUSES, required: false }),
    ApiBody({ type: UpdateStatusDto, required: false }),
    ApiOkResponse({ type: RequestResponseDto, description: 'The request with its new status' }),
    ApiInvalid({
      missingStatus: [STATUS_REQUIRED],
      badStatus: validationExample(UpdateStatusDto, { status: 'bogus' }),
      badId: invalidId(),
    }),
    requestNotFound(),
    ApiForbidden('An operator key reopening, or closing a request not assigned to it', {
      operatorKeyReopens:
        'an operator key may only close requests (status closed), not reopen them',
      notItsRequest:
        'request 5 is not assigned to operator 2; an operator key may only close its own requests',
    }),
    ApiConflict(
      'Reopening onto an operator at capacity',
      'operator 2 is at capacity; request 1 cannot be reopened',
      'AT_CAPACITY',
    ),
  );

export const ApiRequestHistory = () =>
  applyDecorators(
    ApiOperation({
      summary: 'The request’s history: every state change, oldest first',
      description:
        'Each change is written in the transaction that made it. Replaying the events gives the ' +
        'current state: created (active, no operator), assigned and reassigned (operator_id), ' +
        'waiting (no operator), closed, reopened (active, operator_id or none). An operator key ' +
        'reads the history of the requests assigned or offered to it.',
    }),
    ApiOkResponse({
      type: RequestEventResponseDto,
      isArray: true,
      description: 'The events, by id',
    }),
    ApiInvalid({ badId: invalidId() }),
    requestNotFound(),
    notTheOperatorsRequest(),
  );

export const ApiAssignRequest = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Assign a waiting request to an operator, or move an active one there',
      description:
        'A person decides: the operator need not be configured for the source, but must be ' +
        'active and below max_load. Moving frees a unit of the previous operator, which drains ' +
        'waiting work at once. Assigning to the current operator changes nothing.',
    }),
    ApiOkResponse({ type: RequestResponseDto, description: 'The request with its operator' }),
    ApiInvalid({
      missingOperator: validationExample(AssignRequestDto, {}),
      badId: invalidId(),
    }),
    ApiNotFound('operator 7 not found', 'No request or no operator has this id'),
    ApiConflict(
      'The request is closed, or the operator is inactive or at capacity',
      'operator 7 is at capacity (10/10)',
      'AT_CAPACITY',
    ),
  );

export const ApiReassignRequest = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Move an active request to another operator chosen by its source’s rules',
      description:
        'The current operator is excluded; its unit is freed and drains waiting work. Nothing ' +
        'changes (409) when nobody else is eligible, or when the request is closed or waiting.',
    }),
    ApiOkResponse({ type: RequestResponseDto, description: 'The request with its new operator' }),
    ApiInvalid({ badId: invalidId() }),
    requestNotFound(),
    ApiConflict(
      'Nobody else is eligible, or the request is closed or waiting',
      'no other operator of source 1 can take request 42 now',
      'NO_OTHER_OPERATOR',
    ),
  );
