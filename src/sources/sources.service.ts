import { Injectable, NotFoundException } from '@nestjs/common';
import { ConflictError } from '../common/conflict';
import { type Page, type PaginationQueryDto } from '../common/pagination.dto';
import { isUniqueViolation } from '../database/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import type { Tx } from '../database/tx';
import { DistributionService } from '../distribution/distribution.service';
import { StrategyRegistry } from '../distribution/strategy-registry';
import { OperatorsRepository } from '../operators/operators.repository';
import { RequestLifecycleService } from '../requests/lifecycle/request-lifecycle.service';
import { CreateSourceDto } from './dto/create-source.dto';
import { SourceResponseDto, toSourceResponse } from './dto/source-response.dto';
import { SourceWeightDto, SourceWeightResponseDto } from './dto/source-weight.dto';
import { UpdateSourceDto } from './dto/update-source.dto';
import { unionOfSkills } from '../distribution/skills';
import { Source } from './entities/source.entity';
import { SourceChanges, SourcesRepository, WeightRow } from './sources.repository';

@Injectable()
export class SourcesService {
  constructor(
    private readonly sources: SourcesRepository,
    private readonly operators: OperatorsRepository,
    private readonly transactions: TransactionRunner,
    private readonly strategies: StrategyRegistry,
    private readonly distribution: DistributionService,
    private readonly lifecycle: RequestLifecycleService,
  ) {}

  async create(dto: CreateSourceDto): Promise<SourceResponseDto> {
    if (dto.strategy != null) this.strategies.known(dto.strategy);
    const source = Object.assign(new Source(), {
      name: dto.name,
      description: dto.description ?? null,
      strategy: dto.strategy ?? null,
      sticky: dto.sticky ?? false,
      requiredSkills: unionOfSkills(dto.required_skills ?? []),
      skillFallbackSeconds: dto.skill_fallback_seconds ?? null,
      defaultPriority: dto.default_priority ?? 0,
      priorityAgingPerMinute: dto.priority_aging_per_minute ?? 0,
      assignment: dto.assignment ?? 'direct',
      offerTimeoutSeconds: dto.offer_timeout_seconds ?? 60,
      createdAt: new Date(),
    });
    await this.transactions.run((tx) => this.sources.insert(tx, source)).catch(nameTaken(dto.name));
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
        const { strategy: previousStrategy } = await this.lockSource(tx, id);
        const changes: SourceChanges = {};
        if (dto.name !== undefined) changes.name = dto.name;
        if (dto.description !== undefined) changes.description = dto.description;
        if (dto.strategy !== undefined) changes.strategy = dto.strategy;
        if (dto.sticky !== undefined) changes.sticky = dto.sticky;
        if (dto.required_skills !== undefined) {
          changes.requiredSkills = unionOfSkills(dto.required_skills);
        }
        // New requests take the new rules; waiting ones keep their skills and priority, and the
        // fallback sweep applies the new skill_fallback_seconds to them.
        if (dto.skill_fallback_seconds !== undefined) {
          changes.skillFallbackSeconds = dto.skill_fallback_seconds;
        }
        if (dto.default_priority !== undefined) changes.defaultPriority = dto.default_priority;
        if (dto.priority_aging_per_minute !== undefined) {
          changes.priorityAgingPerMinute = dto.priority_aging_per_minute;
        }
        if (dto.assignment !== undefined) changes.assignment = dto.assignment;
        if (dto.offer_timeout_seconds !== undefined) {
          changes.offerTimeoutSeconds = dto.offer_timeout_seconds;
        }
        await this.sources.update(tx, id, changes);
        if (
          dto.strategy !== undefined &&
          this.strategies.effective(dto.strategy) !== this.strategies.effective(previousStrategy)
        ) {
          await this.distribution.resetState(tx, id);
        }
        return toSourceResponse((await this.sources.find(id, tx))!);
      })
      .catch(nameTaken(dto.name));
  }

  async list(query: PaginationQueryDto): Promise<Page<SourceResponseDto>> {
    const { items, total } = await this.sources.page(query);
    return { items: items.map(toSourceResponse), total };
  }

  async get(id: number): Promise<SourceResponseDto> {
    const source = await this.sources.find(id);
    if (!source) throw new NotFoundException(`source ${id} not found`);
    return toSourceResponse(source);
  }

  /**
   * Replaces the source's whole configuration in one transaction; on any error nothing changes.
   * New or raised weights make room for the source's waiting requests, drained at once.
   */
  replaceWeights(sourceId: number, weights: SourceWeightDto[]): Promise<SourceWeightResponseDto[]> {
    return this.transactions.run(async (tx) => {
      // Locked on PostgreSQL like a round-robin assignment, so the two take turns.
      await this.lockSource(tx, sourceId);
      const operatorIds = weights.map((w) => w.operator_id);
      const known = new Set((await this.operators.findByIds(operatorIds, tx)).map((o) => o.id));
      const missing = operatorIds.filter((id) => !known.has(id));
      if (missing.length) throw new NotFoundException(`operator ${missing.join(', ')} not found`);

      const previous = await this.sources.weights(sourceId, tx);
      const unchanged =
        previous.length === weights.length &&
        previous.every((p) =>
          weights.some((w) => w.operator_id === p.operatorId && w.weight === p.weight),
        );
      // New weights start a new round-robin sequence; the same weights continue the current one.
      if (!unchanged) await this.distribution.resetState(tx, sourceId);
      await this.sources.replaceWeights(
        tx,
        sourceId,
        weights.map((w) => ({ operatorId: w.operator_id, weight: w.weight })),
      );
      await this.lifecycle.drainSources(tx, [sourceId]);
      return (await this.sources.weights(sourceId, tx)).map(toWeightResponse);
    });
  }

  async getWeights(sourceId: number): Promise<SourceWeightResponseDto[]> {
    if (!(await this.sources.exists(sourceId))) {
      throw new NotFoundException(`source ${sourceId} not found`);
    }
    return (await this.sources.weights(sourceId)).map(toWeightResponse);
  }

  /** The source's row, locked on PostgreSQL (step 2 of the lock order); 404 when missing. */
  private async lockSource(tx: Tx, id: number): Promise<{ strategy: string | null }> {
    const source = await this.sources.lockStrategy(tx, id);
    if (!source) throw new NotFoundException(`source ${id} not found`);
    return source;
  }
}

const toWeightResponse = (row: WeightRow): SourceWeightResponseDto => ({
  operator_id: row.operatorId,
  operator_name: row.operatorName,
  weight: row.weight,
});

/** A unique violation on insert or update means the name is taken: 409 naming it. */
function nameTaken(name: string | undefined) {
  return (error: unknown): never => {
    if (isUniqueViolation(error)) {
      throw new ConflictError('NAME_TAKEN', `a source named "${name}" already exists`);
    }
    throw error;
  };
}
