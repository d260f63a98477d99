import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { findPage, type Page, type PaginationQueryDto } from '../common/pagination.dto';
import { isUniqueViolation } from '../database/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { Operator } from '../operators/entities/operator.entity';
import { CreateSourceDto } from './dto/create-source.dto';
import { SourceResponseDto, toSourceResponse } from './dto/source-response.dto';
import { SourceWeightDto, SourceWeightResponseDto } from './dto/source-weight.dto';
import { OperatorSourceWeight } from './entities/operator-source-weight.entity';
import { Source } from './entities/source.entity';

@Injectable()
export class SourcesService {
  constructor(
    @InjectRepository(Source) private readonly sources: Repository<Source>,
    private readonly transactions: TransactionRunner,
  ) {}

  async create(dto: CreateSourceDto): Promise<SourceResponseDto> {
    const source = this.sources.create({
      name: dto.name,
      description: dto.description ?? null,
      createdAt: new Date(),
    });
    try {
      await this.transactions.run((manager) => manager.insert(Source, source));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictException(`a source named "${dto.name}" already exists`);
      }
      throw error;
    }
    return toSourceResponse(source);
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

  /** Replaces the source's whole configuration in one transaction; on any error nothing changes. */
  replaceWeights(sourceId: number, weights: SourceWeightDto[]): Promise<SourceWeightResponseDto[]> {
    return this.transactions.run(async (manager) => {
      await this.assertSourceExists(manager, sourceId);
      const operatorIds = weights.map((w) => w.operator_id);
      const found = operatorIds.length
        ? await manager.find(Operator, { select: { id: true }, where: { id: In(operatorIds) } })
        : [];
      const known = new Set(found.map((o) => o.id));
      const missing = operatorIds.filter((id) => !known.has(id));
      if (missing.length) throw new NotFoundException(`operator ${missing.join(', ')} not found`);

      await manager.delete(OperatorSourceWeight, { sourceId });
      if (weights.length) {
        await manager.insert(
          OperatorSourceWeight,
          weights.map((w) => ({ sourceId, operatorId: w.operator_id, weight: w.weight })),
        );
      }
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
