import { Injectable, NotFoundException } from '@nestjs/common';
import { ConflictError } from '../common/conflict';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { findPage, type Page, type PaginationQueryDto } from '../common/pagination.dto';
import { isUniqueViolation } from '../database/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { DistributionService } from '../distribution/distribution.service';
import { StrategyRegistry } from '../distribution/strategy-registry';
import { Operator } from '../operators/entities/operator.entity';
import { RequestLifecycleService } from '../requests/lifecycle/request-lifecycle.service';
import { CreateSourceDto } from './dto/create-source.dto';
import { SourceResponseDto, toSourceResponse } from './dto/source-response.dto';
import { SourceWeightDto, SourceWeightResponseDto } from './dto/source-weight.dto';
import { UpdateSourceDto } from './dto/update-source.dto';
import { OperatorSourceWeight } from './entities/operator-source-weight.entity';
import { Source } from './entities/source.entity';

@Injectable()
export class SourcesService {
  constructor(
    @InjectRepository(Source) private readonly sources: Repository<Source>,
    private readonly transactions: TransactionRunner,
    private readonly strategies: StrategyRegistry,
    private readonly distribution: DistributionService,
    private readonly lifecycle: RequestLifecycleService,
  ) {}

  async create(dto: CreateSourceDto): Promise<SourceResponseDto> {
    if (dto.strategy != null) this.strategies.known(dto.strategy);
    const source = this.sources.create({
      name: dto.name,
      description: dto.description ?? null,
      strategy: dto.strategy ?? null,
      sticky: dto.sticky ?? false,
      createdAt: new Date(),
    });
    await this.transactions
      .run((tx) => tx.manager.insert(Source, source))
      .catch(nameTaken(dto.name));
    return toSourceResponse(source);
  }

  /**
   * Changes any of name, description, strategy. A change of the effective strategy restarts the
   * round-robin sequence, so switching back later starts clean.
   */
  update(id: number, dto: UpdateSourceDto): Promise<SourceResponseDto> {
    if (dto.strategy != null) this.strategies.known(dto.strategy);
    return this.transactions
      .run(async (tx) => {
        const previousStrategy = await this.distribution.lockSource(tx, id);
        const changes: Partial<Source> = {};
        if (dto.name !== undefined) changes.name = dto.name;
        if (dto.description !== undefined) changes.description = dto.description;
        if (dto.strategy !== undefined) changes.strategy = dto.strategy;
        if (dto.sticky !== undefined) changes.sticky = dto.sticky;
        if (Object.keys(changes).length) await tx.manager.update(Source, { id }, changes);
        if (
          dto.strategy !== undefined &&
          this.strategies.effective(dto.strategy) !== this.strategies.effective(previousStrategy)
        ) {
          await this.distribution.resetState(tx, id);
        }
        return toSourceResponse(await tx.manager.findOneByOrFail(Source, { id }));
      })
      .catch(nameTaken(dto.name));
  }

  async list(query: PaginationQueryDto): Promise<Page<SourceResponseDto>> {
    const { items, total } = await findPage(this.sources, query);
    return { items: items.map(toSourceResponse), total };
  }

  async get(id: number): Promise<SourceResponseDto> {
    const source = await this.sources.findOneBy({ id });
    if (!source) throw new NotFoundException(`source ${id} not found`);
    return toSourceResponse(source);
  }

  /**
   * Replaces the source's whole configuration in one transaction; on any error nothing changes.
   * New or raised weights make room for the source's waiting requests, drained at once.
   */
  replaceWeights(sourceId: number, weights: SourceWeightDto[]): Promise<SourceWeightResponseDto[]> {
    return this.transactions.run(async (tx) => {
      const manager = tx.manager;
      // Locked on PostgreSQL like a round-robin assignment, so the two take turns.
      await this.distribution.lockSource(tx, sourceId);
      const operatorIds = weights.map((w) => w.operator_id);
      const found = operatorIds.length
        ? await manager.find(Operator, { select: { id: true }, where: { id: In(operatorIds) } })
        : [];
      const known = new Set(found.map((o) => o.id));
      const missing = operatorIds.filter((id) => !known.has(id));
      if (missing.length) throw new NotFoundException(`operator ${missing.join(', ')} not found`);

      const previous = await manager.find(OperatorSourceWeight, { where: { sourceId } });
      const unchanged =
        previous.length === weights.length &&
        previous.every((p) =>
          weights.some((w) => w.operator_id === p.operatorId && w.weight === p.weight),
        );
      // New weights start a new round-robin sequence; the same weights continue the current one.
      if (!unchanged) await this.distribution.resetState(tx, sourceId);
      await manager.delete(OperatorSourceWeight, { sourceId });
      if (weights.length) {
        await manager.insert(
          OperatorSourceWeight,
          weights.map((w) => ({ sourceId, operatorId: w.operator_id, weight: w.weight })),
        );
      }
      await this.lifecycle.drainSources(tx, [sourceId]);
      return this.readWeights(manager, sourceId);
    });
  }

  async getWeights(sourceId: number): Promise<SourceWeightResponseDto[]> {
    await this.assertSourceExists(this.sources.manager, sourceId);
    return this.readWeights(this.sources.manager, sourceId);
  }

  private async assertSourceExists(manager: EntityManager, id: number): Promise<void> {
    if (!(await manager.existsBy(Source, { id }))) {
      throw new NotFoundException(`source ${id} not found`);
    }
  }

  private async readWeights(
    manager: EntityManager,
    sourceId: number,
  ): Promise<SourceWeightResponseDto[]> {
    const rows = await manager.find(OperatorSourceWeight, {
      where: { sourceId },
      relations: { operator: true },
      order: { operatorId: 'ASC' },
    });
    return rows.map((row) => ({
      operator_id: row.operatorId,
      operator_name: row.operator!.name,
      weight: row.weight,
    }));
  }
}

/** A unique violation on insert or update means the name is taken: 409 naming it. */
function nameTaken(name: string | undefined) {
  return (error: unknown): never => {
    if (isUniqueViolation(error)) {
      throw new ConflictError('NAME_TAKEN', `a source named "${name}" already exists`);
    }
    throw error;
  };
}
