import { Injectable, NotFoundException } from '@nestjs/common';
import { DEFAULT_TARGET_ANSWER_SECONDS } from '../analytics/dto/service-levels-query.dto';
import { ServiceLevelsRepository } from '../analytics/service-levels.repository';
import { SourcesRepository } from '../sources/sources.repository';
import {
  DEFAULT_PLAN_TIME_ZONE,
  DEFAULT_PLAN_WEEKS,
  DEFAULT_TARGET_SERVICE_LEVEL,
  type StaffingPlanQueryDto,
  type StaffingPlanResponseDto,
} from './dto/staffing-plan.dto';
import {
  ARRIVAL_BUCKET_SECONDS,
  arrivalsPerHour,
  HANDLE_TIME_SAMPLE,
  planCells,
  roundAht,
  scheduledCapacity,
} from './staffing-plan';

const WEEK_SECONDS = 7 * 24 * 3600;

/** GET /staffing/plan: the history and the operators from the database, the rest in staffing-plan.ts. */
@Injectable()
export class StaffingPlanService {
  constructor(
    private readonly history: ServiceLevelsRepository,
    private readonly sources: SourcesRepository,
  ) {}

  async plan(query: StaffingPlanQueryDto, now = new Date()): Promise<StaffingPlanResponseDto> {
    const weeks = query.weeks ?? DEFAULT_PLAN_WEEKS;
    const zone = query.time_zone ?? DEFAULT_PLAN_TIME_ZONE;
    const targetAnswerSeconds = query.target_answer_seconds ?? DEFAULT_TARGET_ANSWER_SECONDS;
    const targetServiceLevel = query.target_service_level ?? DEFAULT_TARGET_SERVICE_LEVEL;
    if (!(await this.sources.exists(query.source_id))) {
      throw new NotFoundException(`source ${query.source_id} not found`);
    }

    // Whole quarters only (the history's buckets): the quarter in progress waits for the next ask.
    const toSeconds =
      Math.floor(now.getTime() / 1000 / ARRIVAL_BUCKET_SECONDS) * ARRIVAL_BUCKET_SECONDS;
    const fromSeconds = toSeconds - weeks * WEEK_SECONDS;
    const from = new Date(fromSeconds * 1000);
    const to = new Date(toSeconds * 1000);
    const [quarters, handle, operators] = await Promise.all([
      this.history.arrivalCounts(query.source_id, from, to, ARRIVAL_BUCKET_SECONDS),
      this.history.handleTotals(query.source_id, from, to, HANDLE_TIME_SAMPLE),
      this.sources.configuredOperators(query.source_id, false),
    ]);

    const arrivals = arrivalsPerHour(
      quarters.map((row) => ({ start: row.bucketStart, arrivals: row.arrivals })),
      fromSeconds,
      toSeconds,
      zone,
    );
    const ahtSeconds = handle.handled > 0 ? roundAht(handle.totalSeconds / handle.handled) : null;
    return {
      source_id: query.source_id,
      weeks,
      time_zone: zone,
      from: from.toISOString(),
      to: to.toISOString(),
      target_answer_seconds: targetAnswerSeconds,
      target_service_level: targetServiceLevel,
      aht_seconds: ahtSeconds,
      cells: planCells(arrivals, ahtSeconds, scheduledCapacity(operators, zone, now), {
        targetAnswerSeconds,
        targetServiceLevel,
      }),
    };
  }
}
