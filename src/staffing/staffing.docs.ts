import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiInvalid, ApiTooLarge, validationExample } from '../common/api-docs';
import { ErlangCRequestDto, ErlangCResponseDto } from './dto/erlang-c.dto';

// Each route's OpenAPI description in one decorator; its 400 examples come from its own DTO.

const example = {
  arrivals: 100,
  interval_minutes: 30,
  aht_seconds: 180,
  target_answer_seconds: 20,
  target_service_level: 0.8,
};

export const ApiErlangC = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Erlang C: how many people an interval needs',
      description:
        'Admin only. The fewest servers N that answer `target_service_level` of the requests ' +
        'within `target_answer_seconds` (service level 1 − P(wait)·e^(−(N−A)·T/AHT)) and keep ' +
        'occupancy A/N at or under `max_occupancy` (default 1), then `agents` = ' +
        'ceil(N / (1 − `shrinkage`)) (default 0). The figures are those of `raw_agents`. ' +
        'Nothing arriving needs 0 servers. Erlang C assumes patient customers (nobody gives up) ' +
        'and one conversation per server at a time: count one unit of an operator’s max_load ' +
        'as one server.',
    }),
    ApiOkResponse({ type: ErlangCResponseDto, description: 'Servers and people needed' }),
    ApiInvalid({
      missingFields: validationExample(ErlangCRequestDto, {}),
      outOfRange: validationExample(ErlangCRequestDto, {
        ...example,
        interval_minutes: 0,
        target_service_level: 1,
        max_occupancy: 0,
        shrinkage: 1,
      }),
      tooMuchTraffic: validationExample(ErlangCRequestDto, { ...example, arrivals: 1e9 }),
    }),
    ApiTooLarge(),
  );
