import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { SourcesRepository } from '../sources/sources.repository';
import {
  DEFAULT_TARGET_ANSWER_SECONDS,
  type ServiceLevelsQueryDto,
} from './dto/service-levels-query.dto';
import type { ServiceLevelsResponseDto } from './dto/service-levels-response.dto';
import { contiguousBuckets, serviceLevelRows } from './service-level-buckets';
import { BUCKET_SECONDS, ServiceLevelsRepository } from './service-levels.repository';

const DEFAULT_SPAN_MS = 7 * 24 * 3600 * 1000;
/** Enough for 13 months of hours; a larger answer is a mistake (use bucket=day). */
export const MAX_BUCKETS = 10_000;
export const FROM_AFTER_TO = 'from must not be after to';
export const TOO_MANY_BUCKETS = `from..to must span at most ${MAX_BUCKETS} buckets: use bucket=day or a shorter range`;

/** An ISO 8601 text as an instant; one without an offset is UTC, as every time in this API. */
function parseInstant(text: string): Date {
  const hasTime = text.includes('T');
  const hasZone = /(Z|[+-]\d\d(:?\d\d)?)$/i.test(text.slice(10));
  return new Date(hasTime && !hasZone ? `${text}Z` : text);
}

@Injectable()
export class ServiceLevelsService {
  constructor(
    private readonly repository: ServiceLevelsRepository,
    private readonly sources: SourcesRepository,
  ) {}

  async serviceLevels(
    query: ServiceLevelsQueryDto,
    now = new Date(),
  ): Promise<ServiceLevelsResponseDto> {
    const bucket = query.bucket ?? 'hour';
    const size = BUCKET_SECONDS[bucket];
    const targetAnswerSeconds = query.target_answer_seconds ?? DEFAULT_TARGET_ANSWER_SECONDS;
    const to = query.to !== undefined ? parseInstant(query.to) : now;
    const from =
      query.from !== undefined
        ? parseInstant(query.from)
        : new Date(to.getTime() - DEFAULT_SPAN_MS);
    if (from.getTime() > to.getTime()) throw new BadRequestException(FROM_AFTER_TO);
    // Whole buckets only: a bucket's figures are always about all of it.
    const fromSeconds = Math.floor(from.getTime() / 1000 / size) * size;
    const toSeconds = Math.ceil(to.getTime() / 1000 / size) * size;
    if ((toSeconds - fromSeconds) / size > MAX_BUCKETS) {
      throw new BadRequestException(TOO_MANY_BUCKETS);
    }
    if (query.source_id !== undefined && !(await this.sources.exists(query.source_id))) {
      throw new NotFoundException(`source ${query.source_id} not found`);
    }

    const figures = await this.repository.bucketFigures({
      from: new Date(fromSeconds * 1000),
      to: new Date(toSeconds * 1000),
      bucket,
      sourceId: query.source_id,
    });
    const rows = serviceLevelRows(figures, targetAnswerSeconds);
    return {
      source_id: query.source_id ?? null,
      bucket,
      from: new Date(fromSeconds * 1000).toISOString(),
      to: new Date(toSeconds * 1000).toISOString(),
      target_answer_seconds: targetAnswerSeconds,
      buckets: contiguousBuckets(rows, fromSeconds, toSeconds, size),
    };
  }
}
