import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ApiConflict,
  ApiInvalid,
  ApiNotFound,
  ApiPaginatedList,
  ApiTooLarge,
  invalidId,
  validationExample,
} from '../common/api-docs';
import { PaginationQueryDto } from '../common/pagination.dto';
import { SimulateRequestDto, SimulationResponseDto } from '../distribution/dto/simulation.dto';
import { STRATEGY_NAMES } from '../distribution/strategies';
import { CreateSourceDto } from './dto/create-source.dto';
import { SourceResponseDto } from './dto/source-response.dto';
import { SourceWeightDto, SourceWeightResponseDto } from './dto/source-weight.dto';
import { UpdateSourceDto } from './dto/update-source.dto';

// Each route's OpenAPI description in one decorator; its 400 examples come from its own rules.

const UNKNOWN_STRATEGY = `strategy must be one of: ${STRATEGY_NAMES.join(', ')}`;

const sourceNotFound = () => ApiNotFound('source 42 not found', 'No source has this id');

const nameTaken = () =>
  ApiConflict(
    'Another source has this name',
    'a source named "Telegram Bot" already exists',
    'NAME_TAKEN',
  );

export const ApiCreateSource = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Create a source (a bot, a form, a channel)',
      description:
        '`strategy` (optional) is a name from GET /strategies; absent or null uses the ' +
        'DISTRIBUTION_STRATEGY default. Unknown strategy → 400, taken name → 409.',
    }),
    ApiCreatedResponse({ type: SourceResponseDto, description: 'The new source' }),
    ApiInvalid({
      missingName: validationExample(CreateSourceDto, {}),
      tooLong: validationExample(CreateSourceDto, { name: 'Bot', description: 'x'.repeat(2001) }),
      unknownStrategy: [UNKNOWN_STRATEGY],
    }),
    nameTaken(),
    ApiTooLarge(),
  );

export const ApiListSources = () =>
  applyDecorators(
    ApiOperation({
      summary: 'List sources, by id',
      description: 'Each with its `strategy` (null: the DISTRIBUTION_STRATEGY default).',
    }),
    ApiPaginatedList(SourceResponseDto, 'Sources'),
  );

export const ApiGetSource = () =>
  applyDecorators(
    ApiOperation({ summary: 'Get a source', description: 'Unknown id → 404.' }),
    ApiOkResponse({ type: SourceResponseDto, description: 'The source' }),
    ApiInvalid({ badId: invalidId() }),
    sourceNotFound(),
  );

export const ApiUpdateSource = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Update a source: name, description, strategy',
      description:
        'Any subset of the fields. `strategy` is a name from GET /strategies, or null for the ' +
        'DISTRIBUTION_STRATEGY default; an unknown name → 400. A taken name → 409. Changing the ' +
        'effective strategy restarts the round-robin sequence.',
    }),
    ApiBody({
      type: UpdateSourceDto,
      examples: {
        roundRobin: { value: { strategy: 'weighted-round-robin' } },
        backToDefault: { value: { strategy: null } },
        rename: { value: { name: 'Telegram Bot (EU)', description: 'European channel' } },
      },
    }),
    ApiOkResponse({ type: SourceResponseDto, description: 'The updated source' }),
    ApiInvalid({
      nullName: validationExample(UpdateSourceDto, { name: null }),
      unknownStrategy: [UNKNOWN_STRATEGY],
      badId: invalidId(),
    }),
    sourceNotFound(),
    nameTaken(),
    ApiTooLarge(),
  );

export const ApiSimulate = () =>
  applyDecorators(
    ApiOperation({
      summary: 'What-if: simulate the source’s distribution without writing anything',
      description:
        'Runs the strategy in memory for `requests` (1..100000) new requests on the current ' +
        'configuration, or on the proposed `weights`, with the operators’ current loads and ' +
        'capacities: each simulated assignment adds to the simulated load and nothing closes, so ' +
        'operators drop out when full (`capacity: "current"`, the default). `capacity: "ignore"` ' +
        'answers "with these weights, what share would each get?": every operator as if idle with ' +
        'unlimited room, so the shares sum to 1 whenever anyone active has weight > 0. The ' +
        'response names the `capacity` used. `strategy` tries another strategy than the source’s. ' +
        'Round-robin continues from the stored state for the current weights and starts afresh ' +
        'for proposed ones. Nothing is saved. Unknown source or operator → 404.',
    }),
    ApiBody({
      type: SimulateRequestDto,
      examples: {
        current: { summary: 'The current configuration', value: { requests: 1000 } },
        proposal: {
          summary: 'Proposed weights and strategy, shares by weight (capacity ignored)',
          value: {
            requests: 1000,
            strategy: 'weighted-round-robin',
            capacity: 'ignore',
            weights: [
              { operator_id: 1, weight: 1 },
              { operator_id: 2, weight: 3 },
            ],
          },
        },
      },
    }),
    ApiOkResponse({
      type: SimulationResponseDto,
      description: 'The simulated outcome; nothing was saved',
      example: {
        source_id: 1,
        required_skills: [],
        strategy: 'weighted-round-robin',
        capacity: 'ignore',
        requests: 1000,
        assigned: 1000,
        unassigned: 0,
        operators: [
          {
            operator_id: 1,
            operator_name: 'Ann',
            weight: 1,
            current_load: 0,
            offered_load: 0,
            max_load: 1000,
            is_active: true,
            eligible: true,
            reason: null,
            missing_skills: [],
            expected_share: 0.25,
            requests: 250,
            share: 0.25,
          },
          {
            operator_id: 2,
            operator_name: 'Bob',
            weight: 3,
            current_load: 0,
            offered_load: 0,
            max_load: 1000,
            is_active: true,
            eligible: true,
            reason: null,
            missing_skills: [],
            expected_share: 0.75,
            requests: 750,
            share: 0.75,
          },
        ],
      },
    }),
    ApiInvalid({
      missingRequests: validationExample(SimulateRequestDto, {}),
      badWeight: validationExample(SimulateRequestDto, {
        requests: 10,
        weights: [{ operator_id: 1, weight: -1 }],
      }),
      unknownStrategy: [UNKNOWN_STRATEGY],
      badCapacity: validationExample(SimulateRequestDto, { requests: 10, capacity: 'unlimited' }),
      badId: invalidId(),
    }),
    ApiNotFound('operator 42 not found', 'No source, or no operator in `weights`, has this id'),
    ApiTooLarge(),
  );

export const ApiReplaceWeights = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Replace the source’s operator weights',
      description:
        'Replaces the whole configuration atomically. Weight 0 keeps the operator configured but ' +
        'never selected; an empty list clears the configuration. Unknown source or operator → 404, ' +
        'the same operator twice → 400; nothing changes on error.',
    }),
    ApiBody({
      type: SourceWeightDto,
      isArray: true,
      examples: {
        threeOperators: {
          value: [
            { operator_id: 1, weight: 10 },
            { operator_id: 2, weight: 30 },
            { operator_id: 3, weight: 60 },
          ],
        },
      },
    }),
    ApiOkResponse({
      type: SourceWeightResponseDto,
      isArray: true,
      description: 'The new configuration',
    }),
    ApiInvalid({
      missingWeight: validationExample(SourceWeightDto, { operator_id: 1 }).map((m) => `[0].${m}`),
      repeated: ['operator_id 1 appears more than once'],
      notAnArray: ['body must be an array of {operator_id, weight}'],
      badId: invalidId(),
    }),
    ApiNotFound('operator 42 not found', 'No source, or no operator in the list, has this id'),
    ApiTooLarge(),
  );

export const ApiGetWeights = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Get the source’s operator weights',
      description:
        'Every configured operator with its weight, by operator id; unknown source → 404.',
    }),
    ApiPaginatedList(SourceWeightResponseDto, 'The configuration, by operator id'),
    ApiInvalid({
      badQuery: validationExample(PaginationQueryDto, { limit: 0 }),
      badId: invalidId(),
    }),
    sourceNotFound(),
  );
