import { parseDbTimestamp } from '../database/timestamps';
import type { Source } from '../sources/entities/source.entity';
import type { WeightRow } from '../sources/sources.repository';
import type { OperatorStatsDto, SourceStatsDto } from './dto/distribution-stats.dto';
import type { StatusCount, WaitingSummary } from './requests.repository';

/** What one source's statistics are built from, as the repositories read it. */
export interface SourceStatsInput {
  source: Pick<Source, 'id' | 'name'>;
  strategy: string;
  weights: readonly WeightRow[];
  counts: readonly StatusCount[];
  waiting: WaitingSummary | undefined;
  /** Names of operators that handled the source's requests but are no longer configured. */
  names: ReadonlyMap<number, string>;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/** How the source's requests are spread over its operators, against the configured weights. */
export function toSourceStats(input: SourceStatsInput): SourceStatsDto {
  const { source, weights, counts, waiting } = input;
  const totalWeight = weights.reduce((sum, w) => sum + w.weight, 0);
  const totalRequests = counts.reduce((sum, c) => sum + c.count, 0);
  const unassigned = counts
    .filter((c) => c.operatorId === null)
    .reduce((sum, c) => sum + c.count, 0);
  const assigned = totalRequests - unassigned;

  const operators = new Map<number, OperatorStatsDto>();
  for (const w of weights) {
    operators.set(w.operatorId, {
      operator_id: w.operatorId,
      operator_name: w.operatorName,
      weight: w.weight,
      requests: 0,
      active_requests: 0,
      share: 0,
      expected_share: ratio(w.weight, totalWeight),
    });
  }
  // Operators that handled this source's requests but are no longer configured keep a row.
  for (const c of counts) {
    if (c.operatorId === null) continue;
    const row = operators.get(c.operatorId) ?? {
      operator_id: c.operatorId,
      operator_name: input.names.get(c.operatorId) ?? '',
      weight: 0,
      requests: 0,
      active_requests: 0,
      share: 0,
      expected_share: 0,
    };
    row.requests += c.count;
    if (c.status === 'active') row.active_requests += c.count;
    row.share = ratio(row.requests, assigned);
    operators.set(c.operatorId, row);
  }
  return {
    source_id: source.id,
    source_name: source.name,
    strategy: input.strategy,
    total_requests: totalRequests,
    unassigned_requests: unassigned,
    waiting_requests: waiting?.waiting ?? 0,
    oldest_waiting_at: waiting?.oldest ? parseDbTimestamp(waiting.oldest).toISOString() : null,
    operators: [...operators.values()].sort((a, b) => a.operator_id - b.operator_id),
  };
}
