import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { ANONYMOUS, type Principal } from '../auth/principal';
import { type Page } from '../common/pagination.dto';
import { ListOperatorsQueryDto } from './dto/list-operators-query.dto';
import { TransactionRunner } from '../database/transaction-runner';
import { RequestLifecycleService } from '../requests/lifecycle/request-lifecycle.service';
import { CreateOperatorDto } from './dto/create-operator.dto';
import { OperatorResponseDto, toOperatorResponse } from './dto/operator-response.dto';
import { ReleaseResponseDto } from './dto/release-response.dto';
import { UpdateOperatorDto } from './dto/update-operator.dto';
import { unionOfSkills } from '../distribution/skills';
import { nextShiftChange } from '../shifts/schedule';
import { Operator } from './entities/operator.entity';
import { OperatorChanges, OperatorsRepository } from './operators.repository';
import { OperatorEventsRepository } from './operator-events.repository';
import { OperatorStateService } from './operator-state.service';
import {
  OperatorEventResponseDto,
  toOperatorEventResponse,
} from './dto/operator-event-response.dto';
import { SetPresenceDto } from './dto/set-presence.dto';

const DEFAULT_MAX_LOAD = 10;

@Injectable()
export class OperatorsService {
  constructor(
    private readonly operators: OperatorsRepository,
    private readonly transactions: TransactionRunner,
    private readonly lifecycle: RequestLifecycleService,
    private readonly state: OperatorStateService,
    private readonly operatorEvents: OperatorEventsRepository,
  ) {}

  async create(dto: CreateOperatorDto): Promise<OperatorResponseDto> {
    const now = new Date();
    const schedule = dto.schedule ?? null;
    const operator = Object.assign(new Operator(), {
      name: dto.name,
      isActive: dto.is_active ?? true,
      maxLoad: dto.max_load ?? DEFAULT_MAX_LOAD,
      currentLoad: 0,
      offeredLoad: 0,
      missedOffers: 0,
      skills: unionOfSkills(dto.skills ?? []),
      presence: 'available',
      presenceReason: null,
      presenceSince: now,
      schedule,
      nextShiftChangeAt: nextShiftChange(schedule, now),
      createdAt: now,
    });
    await this.transactions.run((tx) => this.operators.insert(tx, operator));
    return toOperatorResponse(operator);
  }

  async list(query: ListOperatorsQueryDto): Promise<Page<OperatorResponseDto>> {
    const { items, total } = await this.operators.page(query, query.skill);
    return { items: items.map((operator) => toOperatorResponse(operator)), total };
  }

  async get(id: number): Promise<OperatorResponseDto> {
    return toOperatorResponse(await this.findOrThrow(id));
  }

  /**
   * A raised max_load, an activation, a new skill or schedule may make room: waiting work drains
   * into the operator in the same transaction (its sources are locked before the operator row,
   * as everywhere). A change of is_active is written to the operator's history.
   */
  update(id: number, dto: UpdateOperatorDto): Promise<OperatorResponseDto> {
    return this.transactions.run(async (tx) => {
      const changes: OperatorChanges = {};
      if (dto.name !== undefined) changes.name = dto.name;
      if (dto.is_active !== undefined) changes.isActive = dto.is_active;
      if (dto.max_load !== undefined) changes.maxLoad = dto.max_load;
      if (dto.skills !== undefined) changes.skills = unionOfSkills(dto.skills);
      if (dto.schedule !== undefined) {
        changes.schedule = dto.schedule;
        changes.nextShiftChangeAt = nextShiftChange(dto.schedule, new Date());
      }
      const write = async () => {
        if (Object.keys(changes).length === 0) return;
        const before = dto.is_active === undefined ? null : await this.operators.findRow(tx, id);
        if (!(await this.operators.update(tx, id, changes))) {
          throw new NotFoundException(`operator ${id} not found`);
        }
        if (before && before.isActive !== dto.is_active) {
          await this.state.recordActivity(tx, id, dto.is_active!, before.presence);
        }
      };
      // A new skill may let it take requests that wait for that skill; a new schedule, ones
      // that waited for its shift.
      if (
        dto.is_active !== undefined ||
        dto.max_load !== undefined ||
        dto.skills !== undefined ||
        dto.schedule !== undefined
      ) {
        await this.lifecycle.changeOperator(tx, id, write);
      } else {
        await write();
      }
      const operator = await this.operators.find(id, tx);
      if (!operator) throw new NotFoundException(`operator ${id} not found`);
      return toOperatorResponse(operator);
    });
  }

  /**
   * Sets the operator's presence; becoming available drains its sources at once. An operator key
   * may set its own presence only.
   */
  setPresence(
    id: number,
    dto: SetPresenceDto,
    principal: Principal = ANONYMOUS,
  ): Promise<OperatorResponseDto> {
    if (principal.kind === 'operator' && principal.operatorId !== id) {
      throw new ForbiddenException(
        `an operator key may only set its own presence (operator ${principal.operatorId}), ` +
          `not operator ${id}'s`,
      );
    }
    const actor = principal.kind === 'operator' ? 'operator' : 'admin';
    return this.transactions.run(async (tx) => {
      await this.state.setPresence(tx, id, dto.presence, dto.reason ?? null, actor);
      const operator = await this.operators.find(id, tx);
      if (!operator) throw new NotFoundException(`operator ${id} not found`);
      return toOperatorResponse(operator);
    });
  }

  /** The operator's own history, oldest first. */
  async history(id: number): Promise<OperatorEventResponseDto[]> {
    await this.findOrThrow(id);
    return (await this.operatorEvents.list(id)).map(toOperatorEventResponse);
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
