import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { parseDbTimestamp } from '../database/timestamps';
import { WAITING } from './lifecycle/waiting-queue.service';
import { In, Repository } from 'typeorm';
import { findPage, type Page, type PaginationQueryDto } from '../common/pagination.dto';
import { StrategyRegistry } from '../distribution/strategy-registry';
import { Operator } from '../operators/entities/operator.entity';
import { OperatorSourceWeight } from '../sources/entities/operator-source-weight.entity';
import { Source } from '../sources/entities/source.entity';
import { OperatorStatsDto, SourceStatsDto } from './dto/distribution-stats.dto';
import { LeadRequest } from './entities/request.entity';

interface StatusCount {
  sourceId: unknown;
  operatorId: unknown;
  status: string;
  n: unknown;
}

interface RequestCounts {
  sourceId: number;
  operatorId: number | null;
  requests: number;
  activeRequests: number;
}

/** Per (source, operator): all requests and the active ones, from counts per status. */
function countsByOperator(rows: readonly StatusCount[]): RequestCounts[] {
  const byKey = new Map<string, RequestCounts>();
  for (const row of rows) {
    const sourceId = Number(row.sourceId);
    const operatorId = row.operatorId === null ? null : Number(row.operatorId);
    const key = `${sourceId}:${operatorId}`;
    const counts = byKey.get(key) ?? { sourceId, operatorId, requests: 0, activeRequests: 0 };
    counts.requests += Number(row.n);
    if (row.status === 'active') counts.activeRequests += Number(row.n);
    byKey.set(key, counts);
  }
  return [...byKey.values()];
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/** How each source's requests are spread over its operators, against the configured weights. */
@Injectable()
export class DistributionStatsService {
  constructor(
    @InjectRepository(Source) private readonly sources: Repository<Source>,
    private readonly strategies: StrategyRegistry,
  ) {}

  async stats(query: PaginationQueryDto): Promise<Page<SourceStatsDto>> {
    const { items: sources, total } = await findPage(this.sources, query);
    if (sources.length === 0) return { items: [], total };
    const sourceIds = sources.map((s) => s.id);
    const manager = this.sources.manager;

    const [weights, statusCounts, waiting] = await Promise.all([
      manager.find(OperatorSourceWeight, {
        where: { sourceId: In(sourceIds) },
        relations: { operator: true },
        order: { operatorId: 'ASC' },
      }),
      // Read from IDX_requests_source_operator_status alone: no row is visited.
      manager
        .createQueryBuilder(LeadRequest, 'r')
        .select('r.source_id', 'sourceId')
        .addSelect('r.operator_id', 'operatorId')
        .addSelect('r.status', 'status')
        .addSelect('COUNT(*)', 'n')
        .where('r.source_id IN (:...sourceIds)', { sourceIds })
        .groupBy('r.source_id')
        .addGroupBy('r.operator_id')
        .addGroupBy('r.status')
        .getRawMany<StatusCount>(),
      manager
        .createQueryBuilder(LeadRequest, 'r')
        .select('r.source_id', 'sourceId')
        .addSelect('COUNT(*)', 'waiting')
        .addSelect('MIN(r.created_at)', 'oldest')
        .where('r.source_id IN (:...sourceIds)', { sourceIds })
        .andWhere(WAITING)
        .groupBy('r.source_id')
        .getRawMany<{ sourceId: unknown; waiting: unknown; oldest: Date | string | null }>(),
    ]);

    const counts = countsByOperator(statusCounts);
    const names = new Map(weights.map((w) => [w.operatorId, w.operator!.name]));
    const unnamed = [...new Set(counts.map((c) => c.operatorId))].filter(
      (id): id is number => id !== null && !names.has(id),
    );
    if (unnamed.length) {
      const rows = await manager.find(Operator, {
        select: { id: true, name: true },
        where: { id: In(unnamed) },
      });
      for (const row of rows) names.set(row.id, row.name);
    }

    const items = sources.map((source): SourceStatsDto => {
      const configured = weights.filter((w) => w.sourceId === source.id);
      const sourceCounts = counts.filter((c) => Number(c.sourceId) === source.id);
      const totalWeight = configured.reduce((sum, w) => sum + w.weight, 0);
      const totalRequests = sourceCounts.reduce((sum, c) => sum + Number(c.requests), 0);
      const unassigned = Number(sourceCounts.find((c) => c.operatorId === null)?.requests ?? 0);
      const assigned = totalRequests - unassigned;

      const operators = new Map<number, OperatorStatsDto>();
      for (const w of configured) {
        operators.set(w.operatorId, {
          operator_id: w.operatorId,
          operator_name: w.operator!.name,
          weight: w.weight,
          requests: 0,
          active_requests: 0,
          share: 0,
          expected_share: ratio(w.weight, totalWeight),
        });
      }
      // Operators that handled this source's requests but are no longer configured keep a row.
      for (const c of sourceCounts) {
        if (c.operatorId === null) continue;
        const id = Number(c.operatorId);
        const row = operators.get(id) ?? {
          operator_id: id,
          operator_name: names.get(id) ?? '',
          weight: 0,
          requests: 0,
          active_requests: 0,
          share: 0,
          expected_share: 0,
        };
        row.requests = Number(c.requests);
        row.active_requests = Number(c.activeRequests);
        row.share = ratio(row.requests, assigned);
        operators.set(id, row);
      }
      const queue = waiting.find((w) => Number(w.sourceId) === source.id);
      return {
        source_id: source.id,
        source_name: source.name,
        strategy: this.strategies.effective(source.strategy).name,
        total_requests: totalRequests,
        unassigned_requests: unassigned,
        waiting_requests: Number(queue?.waiting ?? 0),
        oldest_waiting_at: queue?.oldest ? parseDbTimestamp(queue.oldest).toISOString() : null,
        operators: [...operators.values()].sort((a, b) => a.operator_id - b.operator_id),
      };
    });
    return { items, total };
  }
}
