import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiInvalid, ApiNotFound, validationExample } from '../common/api-docs';
import { ServiceLevelsQueryDto } from './dto/service-levels-query.dto';
import { ServiceLevelsResponseDto } from './dto/service-levels-response.dto';
import { FROM_AFTER_TO, TOO_MANY_BUCKETS } from './service-levels.service';

// Each route's OpenAPI description in one decorator; its 400 examples come from its own DTO.

export const ApiServiceLevels = () =>
  applyDecorators(
    ApiOperation({
      summary: 'How fast requests were answered, per hour or day',
      description:
        'Admin only. From the request history, per bucket of arrival (UTC hours or days): every ' +
        'figure is about the requests created in the bucket (a cohort), whenever they were ' +
        'assigned or closed. Wait = creation → first assignment; handle = first assignment → ' +
        'close; abandoned = closed before any assignment; service_level = ' +
        'answered_within_target / arrivals. Percentiles are nearest-rank. `from` is rounded ' +
        'down and `to` up to whole buckets; the default window is the 7 days before `to` ' +
        '(default now). Buckets are contiguous; empty ones are present. Offer counts stay 0 ' +
        'until sources make offers.',
    }),
    ApiOkResponse({ type: ServiceLevelsResponseDto, description: 'Every bucket of the window' }),
    ApiInvalid({
      badQuery: validationExample(ServiceLevelsQueryDto, {
        from: 'yesterday',
        bucket: 'week',
        target_answer_seconds: -1,
      }),
      fromAfterTo: [FROM_AFTER_TO],
      tooManyBuckets: [TOO_MANY_BUCKETS],
    }),
    ApiNotFound('source 42 not found', 'No source has this `source_id`'),
  );
