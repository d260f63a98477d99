import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { HANDLE_TIME_SAMPLE } from './staffing-plan';
import { ApiInvalid, ApiNotFound, ApiTooLarge, validationExample } from '../common/api-docs';
import { ErlangCRequestDto, ErlangCResponseDto } from './dto/erlang-c.dto';
import { StaffingPlanQueryDto, StaffingPlanResponseDto } from './dto/staffing-plan.dto';

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

export const ApiStaffingPlan = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Staffing plan: capacity needed and scheduled, per hour of the week',
      description:
        'Admin only. 168 cells, Monday 00:00 to Sunday 23:00 in `time_zone` (default UTC). ' +
        '**Needed:** `arrivals_per_hour` is the mean of the source’s requests created in that ' +
        'hour of the week over the last `weeks` weeks (the window ends now, rounded down to a ' +
        'quarter hour); `aht_seconds` is the mean handle time (first assignment → first close, ' +
        'as service levels define it) of the source’s requests created in the window (of ' +
        `its latest ${HANDLE_TIME_SAMPLE} when it holds more); ` +
        '`required_capacity` is Erlang C for that hour (arrivals in 60 minutes, `aht_seconds`, ' +
        '`target_answer_seconds`, `target_service_level`, no occupancy cap, no shrinkage): the ' +
        '`raw_agents` of POST /staffing/erlang-c for the figures as shown. 0 when nothing ' +
        'arrives. When requests arrived but none was handled (assigned, then closed) in the ' +
        'window, the handle time is unknown: `aht_seconds`, `required_capacity` and `gap` are ' +
        'null, not a guess. **Scheduled:** the sum of `max_load` of the source’s active ' +
        'operators with weight > 0 whose schedule covers the whole hour (no schedule: always), ' +
        'each weekday taken on its date in the seven days from today in `time_zone`, so ' +
        'exceptions in those days and each zone’s offset of the coming week apply. Presence ' +
        '(away, offline) is today’s state and does not count. `gap` = scheduled − required; ' +
        'negative is understaffed. **Units:** one unit of `max_load` is one Erlang C server, ' +
        'which assumes an operator with `max_load` 5 works five conversations as fast as five ' +
        'people would: for chat-style concurrency this overstates the capacity. **Daylight ' +
        'saving:** an hour the window showed twice (clocks going back) is two samples with the ' +
        'arrivals of both, a skipped one no sample; on a date of the coming week, a skipped ' +
        'hour’s capacity is that of the hour after the jump, a repeated hour’s that of its ' +
        'first run.',
    }),
    ApiOkResponse({ type: StaffingPlanResponseDto, description: 'The 168 cells of the week' }),
    ApiInvalid({
      missingSource: validationExample(StaffingPlanQueryDto, {}),
      badQuery: validationExample(StaffingPlanQueryDto, {
        source_id: 1,
        weeks: 53,
        time_zone: 'Mars/Olympus',
        target_answer_seconds: -1,
        target_service_level: 1,
      }),
    }),
    ApiNotFound('source 42 not found', 'No source has this `source_id`'),
  );
