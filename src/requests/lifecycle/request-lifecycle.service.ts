import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { ConflictError } from '../../common/conflict';
import type { Tx } from '../../database/tx';
import type { Decision } from '../../distribution/decision';
import { absenceOf, type Requirement } from '../../distribution/eligibility';
import { missingSkills, unionOfSkills } from '../../distribution/skills';
import {
  DistributionService,
  type AssignmentOutcome,
  type SourceRules,
} from '../../distribution/distribution.service';
import type { AssignmentTrigger, EventActor } from '../../events/request-event';
import { MetricsService } from '../../metrics/metrics.service';
import { OffersRepository } from '../../offers/offers.repository';
import {
  decisionOn,
  excludesOperator,
  expiryOf,
  isDue,
  missedEnough,
  type Offer,
  type OfferOutcome,
} from '../../offers/offer';
import {
  OperatorsRepository,
  type ClaimKind,
  type OperatorRow,
} from '../../operators/operators.repository';
import { TransientConflict } from '../../database/transient-conflict';
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

/** How a source hands out work: a claim of current_load (direct) or of offered_load (offer). */
const claimKindOf = (source: SourceRules): ClaimKind =>
  source.assignment === 'offer' ? 'offer' : 'assign';

/** Why a pending offer was withdrawn (the offer's `reason`). */
export type WithdrawalReason =
  | 'request_closed'
  | 'assigned_by_person'
  | 'operator_inactive'
  | 'operator_away'
  | 'operator_offline'
  | 'operator_off_shift';

/** An offer made to an operator after the change read the requests offered to it: run again. */
export class OfferSetChanged extends TransientConflict {
  constructor(operatorId: number) {
    super(`operator ${operatorId} was offered another request meanwhile; the change runs again`);
  }
}

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
    private readonly offers: OffersRepository,
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
    const kind = claimKindOf(source);
    const outcome = await this.choose(
      tx,
      source,
      input.leadId,
      'intake',
      { skills, relaxed: false },
      [],
      kind,
    );
    // On an offer source the chosen operator is offered the request: it has nobody until then.
    const offeredTo = kind === 'offer' ? (outcome.assignment?.operatorId ?? null) : null;
    const operatorId = kind === 'assign' ? (outcome.assignment?.operatorId ?? null) : null;
    const row = {
      leadId: input.leadId,
      sourceId: source.id,
      message: input.message,
      decision: JSON.stringify(outcome.decision),
      at,
      skills,
      priority,
    };
    const fields: Omit<RequestView, 'id'> = {
      leadId: input.leadId,
      sourceId: source.id,
      operatorId,
      operatorName: operatorId === null ? null : outcome.assignment!.operatorName,
      status: 'active',
      message: input.message,
      createdAt: at,
      assignedAt: operatorId === null ? null : at,
      updatedAt: at,
      skills,
      priority,
      skillsRelaxed: false,
      pendingOffer: null,
    };
    if (offeredTo !== null) {
      const expiresAt = expiryOf(at, source.offerTimeoutSeconds);
      const { id, offerId } = await this.requests.insertOffered(tx, row, {
        operatorId: offeredTo,
        expiresAt,
      });
      await this.offers.insertReserved(tx, {
        id: offerId,
        requestId: id,
        operatorId: offeredTo,
        createdAt: at,
        expiresAt,
      });
      const offered: RequestView = {
        id,
        ...fields,
        pendingOffer: { id: offerId, operatorId: offeredTo, expiresAt },
      };
      await this.events.record(tx, offered, [
        { type: 'created', operatorId: null, actor: input.actor },
        { type: 'offered', operatorId: offeredTo, trigger: 'intake', actor: input.actor },
      ]);
      tx.afterCommit(() => this.metrics.recordIntake(source.id, true));
      return offered;
    }
    const view: RequestView = {
      id: await this.requests.insert(tx, { ...row, operatorId }),
      ...fields,
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
    let current = await this.lockRequest(tx, id);
    if (current.status === 'closed') return current;
    // A pending offer is withdrawn first; its operator's unit is freed and drains, as on a close.
    const holder = current.operatorId ?? current.pendingOffer?.operatorId ?? null;
    const rules = holder === null ? [] : await this.locks.lockForOperatorChange(tx, holder);
    if (current.pendingOffer) {
      current = await this.endOffer(tx, current, 'withdrawn', 'request_closed', actor);
    }
    const at = new Date();
    if (!(await this.requests.setStatus(tx, id, 'active', 'closed', at)))
      return this.readRequest(tx, id);
    const closed: RequestView = { ...current, status: 'closed', updatedAt: at };
    await this.events.record(tx, closed, [
      { type: 'closed', operatorId: current.operatorId, actor },
    ]);
    if (current.operatorId !== null) await this.operators.releaseCapacity(tx, current.operatorId);
    await this.drain(tx, rules);
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
    // A move frees the previous operator's unit, and a person's assign withdraws a pending offer
    // and frees its unit: that operator's sources and both operators are locked first. Giving
    // out a waiting request touches one operator: its claim is the only lock.
    const previous = current.operatorId;
    const freed = previous ?? current.pendingOffer?.operatorId ?? null;
    const rules =
      freed === null
        ? []
        : await this.locks.lockForOperatorChange(tx, freed, { operators: [operatorId] });
    const operator = (await this.operators.findRow(tx, operatorId))!;
    if (!operator.isActive) {
      throw new ConflictError('OPERATOR_INACTIVE', `operator ${operatorId} is inactive`);
    }
    const target = current.pendingOffer
      ? await this.endOffer(tx, current, 'withdrawn', 'assigned_by_person', 'admin')
      : current;
    // A person may give work to someone away: presence is not re-checked (activity and room are).
    if (!(await this.operators.claimCapacity(tx, operatorId, false, true))) {
      throw new ConflictError(
        'AT_CAPACITY',
        `operator ${operatorId} is at capacity (${operator.currentLoad}/${operator.maxLoad})`,
      );
    }
    const decision = manualDecision(operator, previous, requirementOf(current));
    const moved = await this.moveTo(tx, target, operator, decision, 'manual', 'admin');
    if (freed !== null) await this.drain(tx, rules);
    return moved;
  }

  /** Moves an active request to another operator by its source's rules; 409 when nobody else can. */
  async reassign(tx: Tx, id: number): Promise<RequestView> {
    const current = await this.lockRequest(tx, id);
    const previous = current.operatorId;
    const onlyAssigned = 'only an active assigned request can be reassigned';
    if (current.status === 'closed') {
      throw new ConflictError('REQUEST_CLOSED', `request ${id} is closed; ${onlyAssigned}`);
    }
    if (previous === null) {
      const offer = current.pendingOffer;
      throw new ConflictError(
        'REQUEST_WAITING',
        offer
          ? `request ${id} has a pending offer (${offer.id}) to operator ${offer.operatorId}; ` +
              `${onlyAssigned} (POST /requests/${id}/assign gives it to an operator now)`
          : `request ${id} is waiting; ${onlyAssigned}`,
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
    // Step 1: the requests offered to it, whose offers end if it stops taking work.
    const offered = await this.requests.lockOfferedTo(tx, operatorId);
    const rules = await this.locks.lockForOperatorChange(tx, operatorId, {
      sources: offered.map((r) => r.sourceId),
    });
    await change();
    await this.withdrawIfGone(tx, operatorId, offered, rules);
    await this.drain(tx, rules);
  }

  /**
   * An operator that became inactive, not available or off shift has its pending offers
   * withdrawn, each request offered again at once to someone else (or left waiting). Its row is
   * locked: no new offer can reach it meanwhile, so one that did before the lock and is not among
   * `offered` (locked in step 1) runs the change again. That re-check reads without a lock: a
   * wait for such a row after steps 2 and 3 could close a cycle with its holder.
   */
  private async withdrawIfGone(
    tx: Tx,
    operatorId: number,
    offered: ReadonlyArray<{ id: number; sourceId: number }>,
    rules: readonly SourceRules[],
  ): Promise<void> {
    const now = await this.requests.offeredTo(tx, operatorId);
    const locked = new Set(offered.map((r) => r.id));
    if (now.some((r) => !locked.has(r.id))) throw new OfferSetChanged(operatorId);
    if (now.length === 0) return;
    const operator = await this.operators.findRow(tx, operatorId);
    const reason = operator ? goneReason(operator, new Date()) : 'operator_inactive';
    if (reason === null) return;
    const sources = new Map(rules.map((source) => [source.id, source]));
    for (const { id } of now) {
      const current = await this.readRequest(tx, id);
      if (current.pendingOffer?.operatorId !== operatorId) continue;
      const ended = await this.endOffer(tx, current, 'withdrawn', reason, 'system');
      await this.offerAgain(tx, ended, sources.get(ended.sourceId)!, [operatorId]);
    }
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
      const outcome =
        source.assignment === 'offer'
          ? await this.chooseForOffer(tx, source, next, 'drain')
          : await this.choose(tx, source, next.leadId, 'drain', requirementOf(next));
      // Nobody of this source has room left (now, or after this one): its other requests wait.
      if (roomLeft(outcome.decision) === 0) sources.delete(source.id);
      if (!outcome.assignment) {
        passedOver.push(next.id);
        continue;
      }
      if (source.assignment === 'offer') {
        const { operatorId } = outcome.assignment;
        const offered = await this.offer(tx, next, source, operatorId, outcome.decision);
        await this.events.record(tx, offered, [
          { type: 'offered', operatorId, trigger: 'drain', actor: 'system' },
        ]);
        assigned++;
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
   * Offers the request to the operator, whose offered unit the caller claimed: the offer row,
   * and the request's pending offer (it stops waiting). The caller records `offered`.
   */
  private async offer(
    tx: Tx,
    current: RequestView,
    source: SourceRules,
    operatorId: number,
    decision: Decision,
  ): Promise<RequestView> {
    const at = new Date();
    const expiresAt = expiryOf(at, source.offerTimeoutSeconds);
    const offerId = await this.offers.insert(tx, {
      requestId: current.id,
      operatorId,
      createdAt: at,
      expiresAt,
    });
    const pendingOffer = { id: offerId, operatorId, expiresAt };
    if (
      !(await this.requests.setPendingOffer(
        tx,
        current.id,
        pendingOffer,
        JSON.stringify(decision),
        at,
      ))
    ) {
      throw new Error(`request ${current.id} changed while locked`);
    }
    return { ...current, pendingOffer, updatedAt: at };
  }

  /**
   * Ends the request's pending offer without an accept (declined, expired, withdrawn): the
   * offer's outcome, its operator's offered unit freed, the request without a pending offer, and
   * the history event. The caller locked for the freed unit (lockForOperatorChange) and decides
   * what the request does next (offerAgain, or its own change).
   */
  private async endOffer(
    tx: Tx,
    current: RequestView,
    outcome: Exclude<OfferOutcome, 'accepted'>,
    reason: string | null,
    actor: EventActor,
  ): Promise<RequestView> {
    const pending = current.pendingOffer!;
    const at = new Date();
    if (
      !(await this.offers.decide(tx, pending.id, outcome, at, reason, excludesOperator(outcome)))
    ) {
      throw new ConflictError('OFFER_NOT_PENDING', `offer ${pending.id} is no longer pending`);
    }
    if (!(await this.requests.endPendingOffer(tx, current.id, pending.id, at, outcome))) {
      throw new Error(`request ${current.id} changed while locked`);
    }
    await this.operators.releaseOffer(tx, pending.operatorId);
    const ended: RequestView = { ...current, pendingOffer: null, updatedAt: at };
    const type =
      outcome === 'declined'
        ? 'offer_declined'
        : outcome === 'expired'
          ? 'offer_expired'
          : 'offer_withdrawn';
    await this.events.record(tx, ended, [
      { type, operatorId: pending.operatorId, trigger: 'offer', actor },
    ]);
    return ended;
  }

  /**
   * An offer source's choice for a request: never one who declined it or let it expire while
   * another eligible operator remains; when none remains, those exclusions are cleared.
   * `retry`: choose again without them at once (a drain), or not (offerAgain: the request
   * waits first, as its history says, then drains).
   */
  private async chooseForOffer(
    tx: Tx,
    source: SourceRules,
    request: RequestView,
    trigger: AssignmentTrigger,
    alsoExclude: readonly number[] = [],
    retry = true,
  ): Promise<AssignmentOutcome> {
    const excluded = await this.offers.excludedOperators(tx, request.id);
    const requirement = requirementOf(request);
    const kind = claimKindOf(source);
    const exclude = [...new Set([...excluded, ...alsoExclude])];
    const outcome = await this.choose(
      tx,
      source,
      request.leadId,
      trigger,
      requirement,
      exclude,
      kind,
    );
    if (outcome.assignment || excluded.length === 0) return outcome;
    await this.offers.clearExclusions(tx, request.id);
    if (!retry) return outcome;
    return this.choose(tx, source, request.leadId, trigger, requirement, [...alsoExclude], kind);
  }

  /**
   * After a decline, an expiry or a withdrawal: the request goes to the next eligible operator
   * by the source's rules (offered, or given on a source switched back to direct), or waits
   * (history `waiting`), to drain as usual: the caller's drain may offer it again at once to one
   * who said no before, now that nobody else is left.
   */
  private async offerAgain(
    tx: Tx,
    current: RequestView,
    source: SourceRules,
    alsoExclude: readonly number[] = [],
  ): Promise<void> {
    const outcome = await this.chooseForOffer(tx, source, current, 'offer', alsoExclude, false);
    if (!outcome.assignment) {
      await this.events.record(tx, current, [
        { type: 'waiting', operatorId: null, trigger: 'offer', actor: 'system' },
      ]);
      return;
    }
    const { operatorId, operatorName } = outcome.assignment;
    if (source.assignment === 'offer') {
      const offered = await this.offer(tx, current, source, operatorId, outcome.decision);
      await this.events.record(tx, offered, [
        { type: 'offered', operatorId, trigger: 'offer', actor: 'system' },
      ]);
    } else {
      await this.moveTo(
        tx,
        current,
        { id: operatorId, name: operatorName },
        outcome.decision,
        'offer',
        'system',
      );
    }
  }

  /**
   * Accepts a pending offer: the request is its operator's (history `assigned`, trigger
   * `offer`), the offered unit becomes an active one, and the operator's missed-offer count
   * restarts. An offer this operator accepted already answers the same; any other that is not
   * pending is 409 OFFER_NOT_PENDING. Nothing is freed, so nothing drains.
   */
  async acceptOffer(tx: Tx, offer: Offer, actor: EventActor): Promise<RequestView> {
    const current = await this.lockRequest(tx, offer.requestId);
    const now = (await this.offers.find(offer.id, tx))!;
    const decision = decisionOn(now, 'accept');
    if (decision === 'same') return current;
    if (decision === 'refuse' || current.pendingOffer?.id !== offer.id) {
      throw new ConflictError('OFFER_NOT_PENDING', `offer ${offer.id} is ${now.status}`);
    }
    const at = new Date();
    if (!(await this.offers.decide(tx, offer.id, 'accepted', at, null, false))) {
      throw new ConflictError('OFFER_NOT_PENDING', `offer ${offer.id} is no longer pending`);
    }
    if (!(await this.operators.acceptOffer(tx, now.operatorId))) {
      throw new Error(`operator ${now.operatorId} holds no offered unit for offer ${offer.id}`);
    }
    if (!(await this.requests.acceptPendingOffer(tx, current.id, offer.id, at))) {
      throw new Error(`request ${current.id} changed while locked`);
    }
    const operator = (await this.operators.findRow(tx, now.operatorId))!;
    const accepted: RequestView = {
      ...current,
      operatorId: operator.id,
      operatorName: operator.name,
      assignedAt: at,
      updatedAt: at,
      pendingOffer: null,
    };
    await this.events.record(tx, accepted, [
      { type: 'assigned', operatorId: operator.id, trigger: 'offer', actor },
    ]);
    const waitedMs = at.getTime() - current.createdAt.getTime();
    tx.afterCommit(() => this.metrics.recordWait(waitedMs / 1000));
    return accepted;
  }

  /**
   * Declines a pending offer (409 OFFER_NOT_PENDING when it is not): the request is offered to
   * the next eligible operator who has not declined it or let it expire, or waits; then the
   * freed unit drains.
   */
  async declineOffer(
    tx: Tx,
    offer: Offer,
    reason: string | null,
    actor: EventActor,
  ): Promise<void> {
    const current = await this.lockRequest(tx, offer.requestId);
    const rules = await this.locks.lockForOperatorChange(tx, offer.operatorId, {
      sources: [current.sourceId],
    });
    const now = (await this.offers.find(offer.id, tx))!;
    if (decisionOn(now, 'decline') !== 'apply' || current.pendingOffer?.id !== offer.id) {
      throw new ConflictError('OFFER_NOT_PENDING', `offer ${offer.id} is ${now.status}`);
    }
    const ended = await this.endOffer(tx, current, 'declined', reason, actor);
    const source = rules.find((r) => r.id === current.sourceId)!;
    await this.offerAgain(tx, ended, source);
    await this.drain(tx, rules);
  }

  /**
   * Expires a pending offer whose time is up (false when it is not, or another instance got
   * there first): the request goes to the next eligible operator or waits, and the operator's
   * run of missed offers grows. When the run reaches `missedLimit`, `setAway` runs instead of the
   * drain (it sets the operator away, which withdraws its other offers and drains). The
   * requests offered to the operator are locked first (step 1), as setAway may withdraw them.
   */
  async expireOffer(
    tx: Tx,
    offerId: number,
    now: Date,
    missedLimit: number,
    setAway: (operatorId: number) => Promise<void>,
  ): Promise<boolean> {
    const offer = await this.offers.find(offerId, tx);
    if (!offer || !isDue(offer, now)) return false;
    const offered = await this.requests.lockOfferedTo(tx, offer.operatorId);
    const request = await this.requests.find(offer.requestId, tx);
    if (!request) return false;
    const rules = await this.locks.lockForOperatorChange(tx, offer.operatorId, {
      sources: [request.sourceId, ...offered.map((r) => r.sourceId)],
    });
    if (tx.dialect === 'postgres') {
      // An offer made to it between step 1 and its row lock was not locked in order: run again
      // (read without a lock: waiting for that row here could close a cycle with its holder).
      const locked = new Set(offered.map((r) => r.id));
      const after = await this.requests.offeredTo(tx, offer.operatorId);
      if (after.some((r) => !locked.has(r.id))) throw new OfferSetChanged(offer.operatorId);
    }
    const current = await this.readRequest(tx, offer.requestId);
    const fresh = await this.offers.find(offerId, tx);
    if (!fresh || !isDue(fresh, now) || current.pendingOffer?.id !== offerId) return false;
    const ended = await this.endOffer(tx, current, 'expired', null, 'system');
    const source = rules.find((r) => r.id === current.sourceId)!;
    await this.offerAgain(tx, ended, source);
    const missed = await this.operators.countMissedOffer(tx, offer.operatorId);
    if (missedEnough(missed, missedLimit)) {
      await this.operators.resetMissedOffers(tx, offer.operatorId);
      await setAway(offer.operatorId);
      return true;
    }
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
    kind: ClaimKind = 'assign',
  ): Promise<AssignmentOutcome> {
    const stickyOperatorId = source.sticky
      ? await this.requests.lastOperatorOfLead(tx, leadId, source.id)
      : null;
    return this.distribution.choose(tx, source, {
      trigger,
      claim: (operatorId, afterLoss) =>
        this.operators.claimCapacity(tx, operatorId, afterLoss, false, kind),
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
    .reduce((sum, o) => sum + Math.max(0, o.max_load - o.current_load - o.offered_load), 0);
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
        offered_load: operator.offeredLoad,
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

/**
 * Why an operator's pending offers are withdrawn (it is not there: the eligibility rule's
 * absenceOf), as the withdrawal's reason, or null.
 */
function goneReason(operator: OperatorRow, now: Date): WithdrawalReason | null {
  switch (absenceOf(operator, now)) {
    case null:
      return null;
    case 'inactive':
      return 'operator_inactive';
    case 'off_shift':
      return 'operator_off_shift';
    case 'not_available':
      return operator.presence === 'away' ? 'operator_away' : 'operator_offline';
  }
}
