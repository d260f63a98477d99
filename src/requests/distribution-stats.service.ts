import { Injectable } from '@nestjs/common';
import type { Page, PaginationQueryDto } from '../common/pagination.dto';
import { StrategyRegistry } from '../distribution/strategy-registry';
import { OperatorsRepository } from '../operators/operators.repository';
import { SourcesRepository } from '../sources/sources.repository';
import { toSourceStats } from './distribution-stats.mapper';
import { SourceStatsDto } from './dto/distribution-stats.dto';
import { RequestsRepository } from './requests.repository';

/** How each source's requests are spread over its operators, against the configured weights. */
@Injectable()
export class DistributionStatsService {
  constructor(
    private readonly sources: SourcesRepository,
    private readonly operators: OperatorsRepository,
    private readonly requests: RequestsRepository,
    private readonly strategies: StrategyRegistry,
  ) {}

  async stats(query: PaginationQueryDto): Promise<Page<SourceStatsDto>> {
    const { items: sources, total } = await this.sources.page(query);
    if (sources.length === 0) return { items: [], total };
    const sourceIds = sources.map((s) => s.id);
    const [weights, counts, waiting] = await Promise.all([
      this.sources.weightsOf(sourceIds),
      this.requests.statusCounts(sourceIds),
      this.requests.waitingBySource(sourceIds),
    ]);
    const configured = new Set(weights.map((w) => w.operatorId));
    const names = await this.operators.names(
      [...new Set(counts.map((c) => c.operatorId))].filter(
        (id): id is number => id !== null && !configured.has(id),
      ),
    );
    const items = sources.map((source) =>
      toSourceStats({
        source,
        strategy: this.strategies.effective(source.strategy).name,
        weights: weights.filter((w) => w.sourceId === source.id),
        counts: counts.filter((c) => c.sourceId === source.id),
        waiting: waiting.find((w) => w.sourceId === source.id),
        names,
      }),
    );
    return { items, total };
  }
}
