import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { Page } from '../common/pagination.dto';
import { rawQuery } from '../database/raw-query';
import { TransactionRunner } from '../database/transaction-runner';
import type { Decision } from '../distribution/decision';
import { DistributionService } from '../distribution/distribution.service';
import { IdempotencyRequest, IdempotencyService } from '../idempotency/idempotency.service';
import { LeadsService } from '../leads/leads.service';
import { MetricsService } from '../metrics/metrics.service';
import { Source } from '../sources/entities/source.entity';
import { CreateRequestDto } from './dto/create-request.dto';
import { DecisionResponseDto } from './dto/decision-response.dto';
import { ListRequestsQueryDto } from './dto/list-requests-query.dto';
import { RequestResponseDto, RequestView, toRequestResponse } from './dto/request-response.dto';
import { LeadRequest, RequestStatus } from './entities/request.entity';
import { fromRawRequestView, RawRequestView, selectRequestViews } from './request-views';

const SELECT_SOURCE = 'SELECT id, strategy FROM sources WHERE id = ?';
const INSERT_REQUEST = `INSERT INTO requests
  (lead_id, source_id, operator_id, status, message, decision, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`;

@Injectable()
export class RequestsService {
  constructor(
    @InjectRepository(LeadRequest) private readonly requests: Repository<LeadRequest>,
    private readonly transactions: TransactionRunner,
    private readonly leads: LeadsService,
    private readonly distribution: DistributionService,
    private readonly idempotency: IdempotencyService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Registers a request: finds or creates its lead and assigns an operator, all or nothing.
   * With an idempotency claim, the response is stored with the claim in the same transaction.
   */
  async create(dto: CreateRequestDto, idempotencyClaimId?: number): Promise<RequestResponseDto> {
    const response = await this.transactions.run(async (manager) => {
      const [source] = await rawQuery<Pick<Source, 'id' | 'strategy'>>(manager, SELECT_SOURCE, [
        dto.source_id,
      ]);
      if (!source) throw new NotFoundException(`source ${dto.source_id} not found`);
      const lead = await this.leads.findOrCreate(manager, {
        externalId: dto.lead_external_id,
        name: dto.lead_name,
        email: dto.lead_email,
        phone: dto.lead_phone,
      });
      const { assignment, decision } = await this.distribution.assign(manager, source);
      const request: Omit<RequestView, 'id' | 'operatorName'> = {
        leadId: lead.id,
        sourceId: dto.source_id,
        operatorId: assignment?.operatorId ?? null,
        status: 'active',
        message: dto.message ?? null,
        createdAt: new Date(),
      };
      // The decision rides in the request's own INSERT: no extra round trip.
      const [{ id }] = await rawQuery<{ id: number }>(manager, INSERT_REQUEST, [
        request.leadId,
        request.sourceId,
        request.operatorId,
        request.status,
        request.message,
        JSON.stringify(decision),
        request.createdAt,
      ]);
      const response = toRequestResponse({
        ...request,
        id,
        operatorName: assignment?.operatorName ?? null,
      });
      if (idempotencyClaimId !== undefined) {
        await this.idempotency.complete(manager, idempotencyClaimId, 201, response);
      }
      return response;
    });
    this.metrics.recordAssignment(
      dto.source_id,
      response.operator_id === null ? 'unassigned' : 'assigned',
    );
    return response;
  }

  /**
   * POST /requests with an Idempotency-Key: the first caller of (scope, key) creates the request;
   * a retry gets the stored response. A failed creation releases the key (see IdempotencyService).
   */
  async createIdempotent(
    dto: CreateRequestDto,
    idempotency: IdempotencyRequest,
  ): Promise<{ replayed: boolean; body: RequestResponseDto }> {
    const claim = await this.idempotency.claim(idempotency);
    if (claim.kind === 'replay') return { replayed: true, body: claim.body as RequestResponseDto };
    try {
      return { replayed: false, body: await this.create(dto, claim.id) };
    } catch (error) {
      await this.idempotency.release(claim.id);
      throw error;
    }
  }

  /** The stored explanation of the request's assignment (or of why nobody got it). */
  async decision(id: number): Promise<DecisionResponseDto> {
    const row = await this.requests.findOne({
      select: { id: true, sourceId: true, decision: true },
      where: { id },
    });
    if (!row) throw new NotFoundException(`request ${id} not found`);
    if (row.decision === null) {
      throw new NotFoundException(`request ${id} predates recorded decisions`);
    }
    return {
      request_id: row.id,
      source_id: row.sourceId,
      ...(JSON.parse(row.decision) as Decision),
    };
  }

  async list(query: ListRequestsQueryDto): Promise<Page<RequestResponseDto>> {
    const filters = selectRequestViews(this.requests.manager);
    if (query.source_id !== undefined)
      filters.andWhere('r.source_id = :sourceId', { sourceId: query.source_id });
    if (query.operator_id !== undefined)
      filters.andWhere('r.operator_id = :operatorId', { operatorId: query.operator_id });
    if (query.lead_id !== undefined)
      filters.andWhere('r.lead_id = :leadId', { leadId: query.lead_id });
    if (query.status !== undefined)
      filters.andWhere('r.status = :status', { status: query.status });
    const [rows, total] = await Promise.all([
      filters
        .clone()
        .orderBy('r.id', 'ASC')
        .offset(query.offset)
        .limit(query.limit)
        .getRawMany<RawRequestView>(),
      filters.getCount(),
    ]);
    return { items: rows.map((row) => toRequestResponse(fromRawRequestView(row))), total };
  }

  async get(id: number): Promise<RequestResponseDto> {
    return toRequestResponse(await this.findView(this.requests.manager, id));
  }

  /**
   * Closing frees one unit of the operator's load; reopening takes one back, refused with 409
   * when the operator is full. The status change and the load change share one transaction,
   * and the status update is conditional, so two concurrent closings free only one unit.
   */
  updateStatus(id: number, status: RequestStatus): Promise<RequestResponseDto> {
    return this.transactions.run(async (manager) => {
      const current = await this.findView(manager, id);
      if (current.status === status) return toRequestResponse(current);

      const changed = await manager
        .createQueryBuilder()
        .update(LeadRequest)
        .set({ status })
        .where('id = :id AND status = :from', { id, from: current.status })
        .execute();
      if (changed.affected !== 1) return toRequestResponse(await this.findView(manager, id));

      if (current.operatorId !== null) {
        if (status === 'closed') {
          await this.distribution.releaseCapacity(manager, current.operatorId);
        } else if (!(await this.distribution.claimCapacity(manager, current.operatorId, false))) {
          throw new ConflictException(
            `operator ${current.operatorId} is at capacity; request ${id} cannot be reopened`,
          );
        }
      }
      return toRequestResponse({ ...current, status });
    });
  }

  private async findView(manager: EntityManager, id: number): Promise<RequestView> {
    const row = await selectRequestViews(manager)
      .where('r.id = :id', { id })
      .getRawOne<RawRequestView>();
    if (!row) throw new NotFoundException(`request ${id} not found`);
    return fromRawRequestView(row);
  }
}
