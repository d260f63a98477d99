import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { ConflictError } from '../../common/conflict';
import type { Tx } from '../../database/tx';
import type { Decision } from '../../distribution/decision';
import { type Requirement } from '../../distribution/eligibility';
import { missingSkills, unionOfSkills } from '../../distribution/skills';
import {
  DistributionService,
  type AssignmentOutcome,
  type SourceRules,
} from '../../distribution/distribution.service';
import type { AssignmentTrigger, EventActor } from '../../events/request-event';
import { MetricsService } from '../../metrics/metrics.service';
import { OperatorsRepository, type OperatorRow } from '../../operators/operators.repository';
import type { RequestView } from '../dto/request-response.dto';
import { RequestsRepository } from '../requests.repository';
import { RequestEventsWriter } from './request-events.writer';
import { TransactionRunner } from '../../database/transaction-runner';
import { LockOrderService } from './lock-order.service';

export interface IntakeInput {
  source: SourceRules;
  leadId: number;
  message: string | null;
  actor: EventActor;
  /** The request's own skills; its source's required skills are added. */
  skills: readonly string[];
  /** null: the source's default_priority. */
  priority: number | null;
}

/** What a stored request asks of its operator. */
const requirementOf = (request: RequestView): Requirement => ({
  skills: request.skills,
  relaxed: request.skillsRelaxed,
});

export interface ReleaseOutcome {
  operator_id: number;
  released: number;
  reassigned: number;
  waiting: number;
}

/**
 * The one owner of a request's life. Every transition runs in the caller's transaction and does,
 * together: the conditional change of the request, the change of operators' load, the history
 * event (which is also the webhook and console event), and the drain of waiting work into any
 * room the change made. Nothing else writes requests.status, requests.operator_id or
 * operators.current_load.
 */
@Injectable()
export class RequestLifecycleService {
  private readonly logger = new Logger(RequestLifecycleService.name);

  constructor(
    private readonly distribution: DistributionService,
    private readonly events: RequestEventsWriter,
    private readonly metrics: MetricsService,
    private readonly requests: RequestsRepository,
    private readonly operators: OperatorsRepository,
    private readonly locks: LockOrderService,
    private readonly transactions: TransactionRunner,
  ) {}

  /** The request, locked for this transaction's change (step 1 of the lock order). */
  private async lockRequest(tx: Tx, id: number): Promise<RequestView> {
    const request = await this.requests.lock(tx, id);
    if (!request) throw new NotFoundException(`request ${id} not found`);
    return request;
  }

  private async readRequest(tx: Tx, id: number): Promise<RequestView> {
    const request = await this.requests.find(id, tx);
    if (!request) throw new NotFoundException(`request ${id} not found`);
    return request;
  }

  /** Intake: stores the request and assigns it at once, or leaves it waiting. */
  async create(tx: Tx, input: IntakeInput): Promise<RequestView> {
    const { source } = input;
    const at = new Date();
    const skills = unionOfSkills(source.requiredSkills, input.skills);
    const priority = input.priority ?? source.defaultPriority;
    // The caller holds the source's lock (share mode): no change that frees room for it is in
    // flight, so a request stored as waiting here is seen by the next one (lock-order.service.ts).
    const outcome = await this.choose(tx, source, input.leadId, 'intake', {
      skills,
      relaxed: false,
    });
    const operatorId = outcome.assignment?.operatorId ?? null;
    const id = await this.requests.insert(tx, {
      leadId: input.leadId,
      sourceId: source.id,
      operatorId,
      message: input.message,
      decision: JSON.stringify(outcome.decision),
      at,
      skills,
      priority,
    });
    const view: RequestView = {
      id,
      leadId: input.leadId,
      sourceId: source.id,
      operatorId,
      operatorName: outcome.assignment?.operatorName ?? null,
      status: 'active',
      message: input.message,
      createdAt: at,
      assignedAt: operatorId === null ? null : at,
      updatedAt: at,
      skills,
      priority,
      skillsRelaxed: false,
    };
    await this.events.record(tx, view, [
      { type: 'created', operatorId: null, actor: input.actor },
      operatorId === null
        ? { type: 'waiting', operatorId: null, trigger: 'intake', actor: input.actor }
        : { type: 'assigned', operatorId, trigger: 'intake', actor: input.actor },
    ]);
    tx.afterCommit(() => this.metrics.recordIntake(source.id, operatorId !== null));
    return view;
  }

  /** Closing frees the operator's unit, which drains at once; closing twice changes nothing. */
  async close(tx: Tx, id: number, actor: EventActor): Promise<RequestView> {
    const current = await this.lockRequest(tx, id);
    if (current.status === 'closed') return current;
    const at = new Date();
    if (!(await this.requests.setStatus(tx, id, 'active', 'closed', at)))
      return this.readRequest(tx, id);
    const closed: RequestView = { ...current, status: 'closed', updatedAt: at };
    await this.events.record(tx, closed, [
      { type: 'closed', operatorId: current.operatorId, actor },
    ]);
    if (current.operatorId !== null) {
      const rules = await this.locks.lockForOperatorChange(tx, current.operatorId);
      await this.operators.releaseCapacity(tx, current.operatorId);
      await this.drain(tx, rules);
    }
    return closed;
  }

  /**
   * Reopening goes back to its operator when that one is active (409 when at capacity); with no
   * operator, or an inactive one, it waits and drains at once like any waiting request.
   */
  async reopen(tx: Tx, id: number, actor: EventActor): Promise<RequestView> {
    const current = await this.lockRequest(tx, id);
    if (current.status === 'active') return current;
    const at = new Date();
    // Either way the source may get waiting work and drain: it, its operators and the previous
    // operator are locked before any claim (a lost claim keeps its row lock: lock-order.service.ts).
    const rules = await this.locks.lockSourcesAndOperators(
      tx,
      [current.sourceId],
      current.operatorId === null ? [] : [current.operatorId],
    );
    const operator =
      current.operatorId === null ? null : await this.operators.findRow(tx, current.operatorId);
    if (operator?.isActive && (await this.claimForReopen(tx, id, operator.id))) {
      if (!(await this.requests.setStatus(tx, id, 'closed', 'active', at))) {
        throw new ConflictError('CHANGED_MEANWHILE', `request ${id} changed meanwhile; try again`);
      }
      const reopened: RequestView = { ...current, status: 'active', updatedAt: at };
      await this.events.record(tx, reopened, [
        { type: 'reopened', operatorId: operator.id, actor },
      ]);
      return reopened;
    }

    if (!(await this.requests.reopenWaiting(tx, id, at))) {
      throw new ConflictError('CHANGED_MEANWHILE', `request ${id} changed meanwhile; try again`);
    }
    const waiting: RequestView = {
      ...current,
      status: 'active',
      operatorId: null,
      operatorName: null,
      assignedAt: null,
      updatedAt: at,
    };
    await this.events.record(tx, waiting, [
      {
        type: 'reopened',
        operatorId: null,
        previousOperatorId: current.operatorId,
        actor,
      },
      { type: 'waiting', operatorId: null, previousOperatorId: current.operatorId, actor },
    ]);
    await this.drain(tx, rules);
    return this.readRequest(tx, id);
  }

  /**
   * Reopening onto its operator: true when a unit was claimed, false when the operator was
   * deactivated or is not available (the request waits instead); 409 when it is active and full.
   */
  private async claimForReopen(tx: Tx, id: number, operatorId: number): Promise<boolean> {
    if (await this.operators.claimCapacity(tx, operatorId, false)) return true;
    // The row is locked by this transaction: this read is its state until the commit.
    const now = await this.operators.findRow(tx, operatorId);
    if (!now?.isActive || now.presence !== 'available') return false;
    throw new ConflictError(
      'AT_CAPACITY',
      `operator ${operatorId} is at capacity; request ${id} cannot be reopened`,
    );
  }

  /**
   * A person's decision: gives a waiting request to the operator, or moves an active one there
   * (its previous operator's unit is freed and drains). The operator need not be configured for
   * the source, but must be active and have room.
   */
  async assign(tx: Tx, id: number, operatorId: number): Promise<RequestView> {
    const current = await this.lockRequest(tx, id);
    if (!(await this.operators.findRow(tx, operatorId))) {
      throw new NotFoundException(`operator ${operatorId} not found`);
    }
    if (current.status === 'closed') {
      throw new ConflictError('REQUEST_CLOSED', `request ${id} is closed; reopen it first`);
    }
    if (current.operatorId === operatorId) return current;
    // A move frees the previous operator's unit: its sources and both operators are locked
    // first. Giving out a waiting request touches one operator: its claim is the only lock.
    const previous = current.operatorId;
    const rules =
      previous === null
        ? []
        : await this.locks.lockForOperatorChange(tx, previous, { operators: [operatorId] });
    const operator = (await this.operators.findRow(tx, operatorId))!;
    if (!operator.isActive) {
      throw new ConflictError('OPERATOR_INACTIVE', `operator ${operatorId} is inactive`);
    }
    // A person may give work to someone away: presence is not re-checked (activity and room are).
    if (!(await this.operators.claimCapacity(tx, operatorId, false, true))) {
      throw new ConflictError(
        'AT_CAPACITY',
        `operator ${operatorId} is at capacity (${operator.currentLoad}/${operator.maxLoad})`,
      );
    }
    const decision = manualDecision(operator, previous, requirementOf(current));
    const moved = await this.moveTo(tx, current, operator, decision, 'manual', 'admin');
    if (previous !== null) await this.drain(tx, rules);
    return moved;
  }

  /** Moves an active request to another operator by its source's rules; 409 when nobody else can. */
  async reassign(tx: Tx, id: number): Promise<RequestView> {
    const current = await this.lockRequest(tx, id);
    const previous = current.operatorId;
    if (current.status === 'closed' || previous === null) {
      throw new ConflictError(
        current.status === 'closed' ? 'REQUEST_CLOSED' : 'REQUEST_WAITING',
        `request ${id} is ${current.status === 'closed' ? 'closed' : 'waiting'}; only an active assigned request can be reassigned`,
      );
    }
    const rules = await this.locks.lockForOperatorChange(tx, previous, {
      sources: [current.sourceId],
    });
    const source = rules.find((r) => r.id === current.sourceId)!;
    const outcome = await this.choose(
      tx,
      source,
      current.leadId,
      'reassign',
      requirementOf(current),
      [previous],
    );
    if (!outcome.assignment) {
      throw new ConflictError(
        'NO_OTHER_OPERATOR',
        `no other operator of source ${current.sourceId} can take request ${id} now`,
      );
    }
    const moved = await this.moveTo(
      tx,
      current,
      { id: outcome.assignment.operatorId, name: outcome.assignment.operatorName },
      outcome.decision,
      'reassign',
      'admin',
    );
    await this.drain(tx, rules);
    return moved;
  }

  /**
   * Hands every active request of an inactive operator to others by their sources' rules; the
   * ones nobody can take wait. Its requests, their sources and its own, and all their operators
   * are locked first, so its activity is read under lock and cannot change until the end.
   */
  async release(tx: Tx, operatorId: number): Promise<ReleaseOutcome> {
    if (!(await this.operators.findRow(tx, operatorId))) {
      throw new NotFoundException(`operator ${operatorId} not found`);
    }
    const held = await this.requests.lockActiveOf(tx, operatorId);
    const rules = await this.locks.lockForOperatorChange(tx, operatorId, {
      sources: held.map((r) => r.sourceId),
    });
    const operator = (await this.operators.findRow(tx, operatorId))!;
    if (operator.isActive) {
      throw new ConflictError(
        'OPERATOR_ACTIVE',
        `operator ${operatorId} is active; deactivate it before releasing its requests`,
      );
    }
    const sources = new Map(rules.map((source) => [source.id, source]));
    const outcome: ReleaseOutcome = {
      operator_id: operatorId,
      released: 0,
      reassigned: 0,
      waiting: 0,
    };
    for (const current of held) {
      outcome.released++;
      const source = sources.get(current.sourceId)!;
      const choice = await this.choose(
        tx,
        source,
        current.leadId,
        'release',
        requirementOf(current),
        [operatorId],
      );
      if (choice.assignment) {
        await this.moveTo(
          tx,
          current,
          { id: choice.assignment.operatorId, name: choice.assignment.operatorName },
          choice.decision,
          'release',
          'admin',
        );
        outcome.reassigned++;
        continue;
      }
      const at = new Date();
      if (!(await this.requests.unassign(tx, current.id, operatorId, at))) {
        throw new Error(`request ${current.id} changed while locked`);
      }
      await this.operators.releaseCapacity(tx, operatorId);
      const waiting: RequestView = {
        ...current,
        operatorId: null,
        operatorName: null,
        assignedAt: null,
        updatedAt: at,
      };
      await this.events.record(tx, waiting, [
        {
          type: 'waiting',
          operatorId: null,
          previousOperatorId: operatorId,
          trigger: 'release',
          actor: 'admin',
        },
      ]);
      outcome.waiting++;
    }
    return outcome;
  }

  /**
   * Changes an operator in a way that may give it room (max_load raised, activated, available,
   * on shift): its sources and their operators are locked before `change` runs, and their
   * waiting requests drain into it after, oldest first.
   */
  async changeOperator(tx: Tx, operatorId: number, change: () => Promise<void>): Promise<void> {
    const rules = await this.locks.lockForOperatorChange(tx, operatorId);
    await change();
    await this.drain(tx, rules);
  }

  /** Locks and drains these sources (new weights, the sweep). */
  async drainSources(tx: Tx, sourceIds: readonly number[]): Promise<number> {
    return this.drain(tx, await this.locks.lockSourcesAndOperators(tx, sourceIds));
  }

  /**
   * Assigns waiting requests of these sources, by effective priority then age across all of
   * them, each by its source's rules, until nothing waits that anyone with room may take. A
   * request nobody with room has the skills for is passed over (the next one may fit). The caller
   * has locked the sources and their operators (lock-order.service.ts); on PostgreSQL each waiting
   * row is claimed with SKIP LOCKED, so concurrent drains never assign one request twice.
   */
  private async drain(tx: Tx, rules: readonly SourceRules[]): Promise<number> {
    if (rules.length === 0) return 0;
    const sources = new Map(rules.map((source) => [source.id, source]));
    const passedOver: number[] = [];
    let assigned = 0;
    while (sources.size > 0) {
      const next = await this.requests.nextWaiting(tx, [...sources.keys()], passedOver, new Date());
      if (!next) break;
      const source = sources.get(next.sourceId)!;
      const outcome = await this.choose(tx, source, next.leadId, 'drain', requirementOf(next));
      // Nobody of this source has room left (now, or after this one): its other requests wait.
      if (roomLeft(outcome.decision) === 0) sources.delete(source.id);
      if (!outcome.assignment) {
        passedOver.push(next.id);
        continue;
      }

      const at = new Date();
      const { operatorId, operatorName } = outcome.assignment;
      const decision = JSON.stringify(outcome.decision);
      if (!(await this.requests.move(tx, next.id, null, operatorId, decision, at))) {
        throw new Error(`waiting request ${next.id} changed while locked`);
      }
      const view: RequestView = {
        ...next,
        operatorId,
        operatorName,
        assignedAt: at,
        updatedAt: at,
      };
      await this.events.record(tx, view, [
        { type: 'assigned', operatorId, trigger: 'drain', actor: 'system' },
      ]);
      const waitedMs = at.getTime() - view.createdAt.getTime();
      tx.afterCommit(() => this.metrics.recordWait(waitedMs / 1000));
      assigned++;
    }
    if (tx.dialect === 'postgres' && sources.size > 0) {
      await this.redrainLockedOut(tx, [...sources.keys()], passedOver);
    }
    return assigned;
  }

  /**
   * PostgreSQL: the drain found no more waiting work it could take, yet its sources have room.
   * Waiting rows it did not see were skipped because another transaction held them (SKIP
   * LOCKED); that transaction may roll back (a refused manual assign, say) and leave them
   * waiting with nobody left to wake them. So after this commit, a new transaction locks those
   * rows first (waiting for their holder, step 1 of the lock order), then drains their sources.
   */
  private async redrainLockedOut(
    tx: Tx,
    sourceIds: readonly number[],
    passedOver: readonly number[],
  ): Promise<void> {
    const skipped = await this.requests.waitingIds(tx, sourceIds, passedOver);
    if (skipped.length === 0) return;
    tx.afterCommit(() => {
      this.transactions
        .run(async (next) => {
          await this.requests.lockMany(next, skipped);
          return this.drainSources(next, sourceIds);
        })
        .catch((error: unknown) => this.logger.warn(`re-drain failed: ${String(error)}`));
    });
  }

  /**
   * Skill fallback: a request that has waited its source's skill_fallback_seconds needs no skill
   * any more (history `relaxed`), and its source drains at once. False when it is not due, or was
   * assigned, closed or relaxed meanwhile (another instance's fallback got there first). Locks
   * the request, then its source and operators (the lock order).
   */
  async relax(tx: Tx, id: number, now: Date): Promise<boolean> {
    const current = await this.requests.lock(tx, id);
    if (!current || current.skillsRelaxed || current.skills.length === 0) return false;
    const rules = await this.locks.lockSourcesAndOperators(tx, [current.sourceId]);
    if (!isFallbackDue(current, rules[0], now)) return false;
    if (!(await this.requests.relax(tx, id, now))) return false;
    const relaxed: RequestView = { ...current, skillsRelaxed: true, updatedAt: now };
    await this.events.record(tx, relaxed, [{ type: 'relaxed', operatorId: null, actor: 'system' }]);
    await this.drain(tx, rules);
    return true;
  }

  /**
   * An operator for one of the lead's requests by the source's rules (on a sticky source, its
   * last operator there first), with a unit of its capacity claimed.
   */
  private async choose(
    tx: Tx,
    source: SourceRules,
    leadId: number,
    trigger: AssignmentTrigger,
    requirement: Requirement,
    exclude: number[] = [],
  ): Promise<AssignmentOutcome> {
    const stickyOperatorId = source.sticky
      ? await this.requests.lastOperatorOfLead(tx, leadId, source.id)
      : null;
    return this.distribution.choose(tx, source, {
      trigger,
      claim: (operatorId, afterLoss) => this.operators.claimCapacity(tx, operatorId, afterLoss),
      stickyOperatorId,
      excludeOperatorIds: exclude,
      requirement,
    });
  }

  /**
   * The request goes to `to`, whose unit is already claimed; the previous operator's unit is
   * freed. Its drain is the caller's, which locked for it (lock-order.service.ts).
   */
  private async moveTo(
    tx: Tx,
    current: RequestView,
    to: { id: number; name: string },
    decision: Decision,
    trigger: AssignmentTrigger,
    actor: EventActor,
  ): Promise<RequestView> {
    const at = new Date();
    const previous = current.operatorId;
    if (
      !(await this.requests.move(tx, current.id, previous, to.id, JSON.stringify(decision), at))
    ) {
      throw new ConflictError(
        'CHANGED_MEANWHILE',
        `request ${current.id} changed meanwhile; try again`,
      );
    }
    const moved: RequestView = {
      ...current,
      operatorId: to.id,
      operatorName: to.name,
      assignedAt: at,
      updatedAt: at,
    };
    await this.events.record(tx, moved, [
      {
        type: previous === null ? 'assigned' : 'reassigned',
        operatorId: to.id,
        previousOperatorId: previous,
        trigger,
        actor,
      },
    ]);
    if (previous === null) {
      const waitedMs = at.getTime() - current.createdAt.getTime();
      tx.afterCommit(() => this.metrics.recordWait(waitedMs / 1000));
    } else {
      await this.operators.releaseCapacity(tx, previous);
    }
    return moved;
  }
}

/**
 * Units still free after this decision's assignment among the source's operators that could take
 * some request (eligible, or lacking only a skill this one needed), as the decision saw them; 0
 * means the drain can stop asking for this source.
 */
export function roomLeft(decision: Decision): number {
  const free = decision.operators
    .filter((o) => o.eligible || o.reason === 'missing_skills')
    .reduce((sum, o) => sum + Math.max(0, o.max_load - o.current_load), 0);
  return Math.max(0, free - (decision.chosen_operator_id === null ? 0 : 1));
}

/** True when the waiting request has waited its source's skill_fallback_seconds by `now`. */
export function isFallbackDue(request: RequestView, source: SourceRules, now: Date): boolean {
  if (source.skillFallbackSeconds === null) return false;
  return now.getTime() - request.createdAt.getTime() >= source.skillFallbackSeconds * 1000;
}

/** The decision recorded when a person chose the operator. */
function manualDecision(
  operator: OperatorRow,
  previous: number | null,
  requirement: Requirement,
): Decision {
  // A person may assign anyway: what the operator lacks is recorded, not refused.
  const missing = requirement.relaxed ? [] : missingSkills(operator.skills, requirement.skills);
  return {
    strategy: 'manual',
    trigger: 'manual',
    sticky_operator_id: null,
    sticky: false,
    excluded_operator_ids: [],
    summary:
      previous === null
        ? `An admin assigned operator ${operator.id} (${operator.name}).`
        : `An admin moved the request from operator ${previous} to operator ${operator.id} (${operator.name}).`,
    chosen_operator_id: operator.id,
    operators: [
      {
        operator_id: operator.id,
        operator_name: operator.name,
        weight: 0,
        current_load: operator.currentLoad,
        max_load: operator.maxLoad,
        is_active: operator.isActive,
        eligible: true,
        reason: null,
        missing_skills: missing,
      },
    ],
    evidence: null,
    claims_lost: [],
    required_skills: [...requirement.skills],
    skills_relaxed: requirement.relaxed,
    decided_at: new Date().toISOString(),
  };
}
