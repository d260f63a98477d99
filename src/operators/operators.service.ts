import { Injectable, NotFoundException } from '@nestjs/common';
import { type Page } from '../common/pagination.dto';
import { ListOperatorsQueryDto } from './dto/list-operators-query.dto';
import { TransactionRunner } from '../database/transaction-runner';
import { RequestLifecycleService } from '../requests/lifecycle/request-lifecycle.service';
import { CreateOperatorDto } from './dto/create-operator.dto';
import { OperatorResponseDto, toOperatorResponse } from './dto/operator-response.dto';
import { ReleaseResponseDto } from './dto/release-response.dto';
import { UpdateOperatorDto } from './dto/update-operator.dto';
import { unionOfSkills } from '../distribution/skills';
import { Operator } from './entities/operator.entity';
import { OperatorChanges, OperatorsRepository } from './operators.repository';

const DEFAULT_MAX_LOAD = 10;

@Injectable()
export class OperatorsService {
  constructor(
    private readonly operators: OperatorsRepository,
    private readonly transactions: TransactionRunner,
    private readonly lifecycle: RequestLifecycleService,
  ) {}

  async create(dto: CreateOperatorDto): Promise<OperatorResponseDto> {
    const operator = Object.assign(new Operator(), {
      name: dto.name,
      isActive: dto.is_active ?? true,
      maxLoad: dto.max_load ?? DEFAULT_MAX_LOAD,
      currentLoad: 0,
      skills: unionOfSkills(dto.skills ?? []),
      createdAt: new Date(),
    });
    await this.transactions.run((tx) => this.operators.insert(tx, operator));
    return toOperatorResponse(operator);
  }

  async list(query: ListOperatorsQueryDto): Promise<Page<OperatorResponseDto>> {
    const { items, total } = await this.operators.page(query, query.skill);
    return { items: items.map(toOperatorResponse), total };
  }

  async get(id: number): Promise<OperatorResponseDto> {
    return toOperatorResponse(await this.findOrThrow(id));
  }

  /**
   * A raised max_load or an activation makes room: waiting work drains into the operator in the
   * same transaction (its sources are locked before the operator row, as everywhere).
   */
  update(id: number, dto: UpdateOperatorDto): Promise<OperatorResponseDto> {
    return this.transactions.run(async (tx) => {
      const changes: OperatorChanges = {};
      if (dto.name !== undefined) changes.name = dto.name;
      if (dto.is_active !== undefined) changes.isActive = dto.is_active;
      if (dto.max_load !== undefined) changes.maxLoad = dto.max_load;
      if (dto.skills !== undefined) changes.skills = unionOfSkills(dto.skills);
      const write = async () => {
        if (Object.keys(changes).length === 0) return;
        if (!(await this.operators.update(tx, id, changes))) {
          throw new NotFoundException(`operator ${id} not found`);
        }
      };
      // A new skill may let it take requests that wait for that skill.
      if (dto.is_active !== undefined || dto.max_load !== undefined || dto.skills !== undefined) {
        await this.lifecycle.changeOperator(tx, id, write);
      } else {
        await write();
      }
      const operator = await this.operators.find(id, tx);
      if (!operator) throw new NotFoundException(`operator ${id} not found`);
      return toOperatorResponse(operator);
    });
  }

  release(id: number): Promise<ReleaseResponseDto> {
    return this.transactions.run((tx) => this.lifecycle.release(tx, id));
  }

  private async findOrThrow(id: number): Promise<Operator> {
    const operator = await this.operators.find(id);
    if (!operator) throw new NotFoundException(`operator ${id} not found`);
    return operator;
  }
}
