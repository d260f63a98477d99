import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { ANONYMOUS, type Principal } from '../auth/principal';
import type { Page } from '../common/pagination.dto';
import { TransactionRunner } from '../database/transaction-runner';
import type { Decision } from '../distribution/decision';
import { IdempotencyRequest, IdempotencyService } from '../idempotency/idempotency.service';
import { LeadsService } from '../leads/leads.service';
import { CreateRequestDto } from './dto/create-request.dto';
import { DecisionResponseDto } from './dto/decision-response.dto';
import { ListRequestsQueryDto } from './dto/list-requests-query.dto';
import { RequestEventResponseDto, toRequestEventResponse } from './dto/request-event-response.dto';
import { RequestResponseDto, toRequestResponse } from './dto/request-response.dto';
import { RequestStatus } from './entities/request.entity';
import { PostgresIntake } from './lifecycle/postgres-intake';
import { RequestLifecycleService } from './lifecycle/request-lifecycle.service';
import { RequestAccess } from './request-access.service';
import { RequestEventsRepository } from './request-events.repository';
import { RequestsRepository } from './requests.repository';

@Injectable()
export class RequestsService {
  constructor(
    private readonly requests: RequestsRepository,
    private readonly events: RequestEventsRepository,
    private readonly transactions: TransactionRunner,
    private readonly leads: LeadsService,
    private readonly lifecycle: RequestLifecycleService,
    private readonly postgresIntake: PostgresIntake,
    private readonly idempotency: IdempotencyService,
    private readonly access: RequestAccess,
  ) {}

  /**
   * Registers a request: finds or creates its lead and assigns an operator (or queues it), all
   * or nothing. An intake key may only register requests for its own source, checked here on the
   * validated body. With an idempotency claim, the response is stored with the claim in the same
   * transaction.
   */
  async create(
    dto: CreateRequestDto,
    principal: Principal = ANONYMOUS,
    idempotencyClaimId?: number,
  ): Promise<RequestResponseDto> {
    if (principal.kind === 'intake' && principal.sourceId !== dto.source_id) {
      throw new ForbiddenException(
        `this intake key may only create requests (POST /requests) for source ${principal.sourceId}`,
      );
    }
    if (idempotencyClaimId === undefined && this.postgresIntake.enabled) {
      // PostgreSQL: most intakes are one read and one statement (PostgresIntake says when not).
      const assigned = await this.postgresIntake.tryCreate({
        leadExternalId: dto.lead_external_id,
        leadName: dto.lead_name ?? null,
        leadEmail: dto.lead_email ?? null,
        leadPhone: dto.lead_phone ?? null,
        sourceId: dto.source_id,
        message: dto.message ?? null,
        skills: dto.skills ?? [],
        priority: dto.priority ?? null,
      });
      if (assigned) return toRequestResponse(assigned);
    }
    return this.transactions.run(async (tx) => {
      const found = await this.leads.findOrCreateForSource(
        tx,
        {
          externalId: dto.lead_external_id,
          name: dto.lead_name,
          email: dto.lead_email,
          phone: dto.lead_phone,
        },
        dto.source_id,
      );
      if (!found) throw new NotFoundException(`source ${dto.source_id} not found`);
      const { source, lead } = found;
      const view = await this.lifecycle.create(tx, {
        source,
        leadId: lead.id,
        message: dto.message ?? null,
        actor: 'intake',
        skills: dto.skills ?? [],
        priority: dto.priority ?? null,
      });
      const response = toRequestResponse(view);
      if (idempotencyClaimId !== undefined) {
        await this.idempotency.complete(tx, idempotencyClaimId, 201, response);
      }
      return response;
    });
  }

  /**
   * POST /requests with an Idempotency-Key: the first caller of (scope, key) creates the request;
   * a retry gets the stored response. A failed creation releases the key (see IdempotencyService).
   */
  async createIdempotent(
    dto: CreateRequestDto,
    principal: Principal,
    idempotency: IdempotencyRequest,
  ): Promise<{ replayed: boolean; body: RequestResponseDto }> {
    const claim = await this.idempotency.claim(idempotency);
    if (claim.kind === 'replay') return { replayed: true, body: claim.body as RequestResponseDto };
    try {
      return { replayed: false, body: await this.create(dto, principal, claim.id) };
    } catch (error) {
      await this.idempotency.release(claim.id);
      throw error;
    }
  }

  /** The stored explanation of the request's assignment (or of why nobody got it). */
  async decision(id: number): Promise<DecisionResponseDto> {
    const row = await this.requests.findDecision(id);
    if (!row) throw new NotFoundException(`request ${id} not found`);
    if (row.decision === null) {
      throw new NotFoundException(`request ${id} predates recorded decisions`);
    }
    // Decisions stored before triggers, stickiness and skills existed were all made at intake,
    // for requests that needed no skill.
    const stored = JSON.parse(row.decision) as Partial<Decision>;
    return {
      request_id: row.id,
      source_id: row.sourceId,
      trigger: 'intake',
      sticky_operator_id: null,
      sticky: false,
      excluded_operator_ids: [],
      required_skills: [],
      skills_relaxed: false,
      ...stored,
      operators: (stored.operators ?? []).map((o) => ({
        ...o,
        missing_skills: o.missing_skills ?? [],
      })),
    } as DecisionResponseDto;
  }

  async list(query: ListRequestsQueryDto): Promise<Page<RequestResponseDto>> {
    const now = new Date();
    const { items, total } = await this.requests.page(query, now);
    return { items: items.map((item) => toRequestResponse(item, now)), total };
  }

  /** The request; an operator key only sees its own (RequestAccess). */
  async get(id: number, principal: Principal = ANONYMOUS): Promise<RequestResponseDto> {
    const request = await this.requests.find(id);
    if (!request) throw new NotFoundException(`request ${id} not found`);
    this.access.assertCanSee(principal, request);
    return toRequestResponse(request);
  }

  /**
   * Closing frees one unit of the operator's load (and drains it); reopening takes one back or
   * waits. See RequestLifecycleService for the rules. An operator key may only close its own
   * request: checked on the locked row, so the request cannot change hands before the close.
   */
  updateStatus(
    id: number,
    status: RequestStatus,
    principal: Principal = ANONYMOUS,
  ): Promise<RequestResponseDto> {
    return this.transactions.run(async (tx) => {
      const actor = principal.kind === 'operator' ? 'operator' : 'admin';
      if (principal.kind === 'operator') {
        const current = await this.requests.lock(tx, id);
        if (!current) throw new NotFoundException(`request ${id} not found`);
        this.access.assertMayChangeStatus(principal, current, status);
      }
      return toRequestResponse(
        status === 'closed'
          ? await this.lifecycle.close(tx, id, actor)
          : await this.lifecycle.reopen(tx, id, actor),
      );
    });
  }

  assign(id: number, operatorId: number): Promise<RequestResponseDto> {
    return this.transactions.run(async (tx) =>
      toRequestResponse(await this.lifecycle.assign(tx, id, operatorId)),
    );
  }

  reassign(id: number): Promise<RequestResponseDto> {
    return this.transactions.run(async (tx) =>
      toRequestResponse(await this.lifecycle.reassign(tx, id)),
    );
  }

  /** The request's history, oldest first; an operator key only reads its own requests'. */
  async history(id: number, principal: Principal = ANONYMOUS): Promise<RequestEventResponseDto[]> {
    if (principal.kind === 'operator') {
      const request = await this.requests.find(id);
      if (!request) throw new NotFoundException(`request ${id} not found`);
      this.access.assertCanSee(principal, request);
    } else if (!(await this.requests.exists(id))) {
      throw new NotFoundException(`request ${id} not found`);
    }
    const rows = await this.events.listForRequest(id);
    return rows.map(toRequestEventResponse);
  }
}
