import { Injectable, NotFoundException } from '@nestjs/common';
import { isTransientConflict } from '../../database/database-errors';
import { DistributionService, type SourceRules } from '../../distribution/distribution.service';
import { type ConfiguredOperator, toConfiguredOperator } from '../../distribution/eligibility';
import { newEventId } from '../../events/event-id';
import { expiryOf } from '../../offers/offer';
import { EventNotifier } from '../../events/event-notifier';
import type { RequestEventRecord } from '../../events/request-event';
import { MetricsService } from '../../metrics/metrics.service';
import type { InsertedDelivery } from '../../webhooks/webhook-outbox';
import { WebhookOutbox } from '../../webhooks/webhook-outbox';
import { toSourceRules } from '../../sources/source-rules';
import { RequestView, toRequestResponse } from '../dto/request-response.dto';
import { PostgresIntakeRepository, type WrittenRow } from './postgres-intake.repository';

export interface IntakeRequest {
  leadExternalId: string;
  leadName: string | null;
  leadEmail: string | null;
  leadPhone: string | null;
  sourceId: number;
  message: string | null;
  /** The request's own skills (its source's are added). */
  skills: readonly string[];
  /** null: the source's default_priority. */
  priority: number | null;
}

/** Tries before the intake goes the transactional way (RequestLifecycleService.create). */
const PICKS = 3;

/**
 * How long a source's read may serve further choices, when neither the strategy (it ignores
 * loads) nor the source (not sticky) needs anything a moment old would get wrong. The claim
 * re-checks activity, capacity and weight; a lost claim or a read that finds nobody eligible is
 * read again. A rename shows in new requests after this long at most.
 */
export const READ_REUSE_MS = 100;

/** Where the request's JSON is cut for its pending offer's id (0 in the template). */
const OFFER_ID = '"pending_offer":{"id":';

/**
 * PostgreSQL intake in two round trips: a read, then one statement that claims and writes (see
 * intakeStatement), with no BEGIN and COMMIT around it and no lock held between the two. A lost
 * claim chooses again from a fresh read. The intake goes the transactional way
 * (RequestLifecycleService.create, which holds its source's lock) when it may have to wait (nobody
 * eligible in the read), when its source keeps round-robin state (whose turn needs a lock), or
 * when its claims keep losing. An assigned intake needs no source lock: no wake-up is owed to a
 * request that does not wait.
 */
@Injectable()
export class PostgresIntake {
  /** READ_REUSE_MS; a test lengthens it to prove that the claim re-checks what a read saw. */
  readReuseMs = READ_REUSE_MS;
  /** Per source: its last read that may be reused (see READ_REUSE_MS), and when it was taken. */
  private readonly reads = new Map<
    number,
    {
      read: {
        source: SourceRules;
        configured: ConfiguredOperator[];
        shiftChanges: Map<number, Date | null>;
      };
      at: number;
    }
  >();

  constructor(
    private readonly statements: PostgresIntakeRepository,
    private readonly distribution: DistributionService,
    private readonly outbox: WebhookOutbox,
    private readonly notifier: EventNotifier,
    private readonly metrics: MetricsService,
  ) {}

  /** On PostgreSQL only: SQLite's one writer has no round trips to save. */
  get enabled(): boolean {
    return this.statements.enabled;
  }

  /**
   * The intake assigned at once, or undefined when it must go the transactional way; 404 when
   * the source does not exist (nothing written).
   */
  async tryCreate(input: IntakeRequest): Promise<RequestView | undefined> {
    if (!this.enabled) return undefined;
    const lost: number[] = [];
    let fresh = false;
    for (let pick = 0; pick < PICKS; pick++) {
      const { source, configured, shiftChanges, stickyOperatorId, reused } = await this.read(
        input,
        fresh,
      );
      if (this.distribution.isStateful(source)) return undefined;
      // A request that needs skills goes the transactional way: the one statement's claim does
      // not re-check skills, which a concurrent PATCH may change.
      if (source.requiredSkills.length > 0 || input.skills.length > 0) return undefined;
      const choice = this.distribution.pick(source, configured, {
        trigger: 'intake',
        stickyOperatorId,
        lost,
      });
      fresh = true;
      if (!choice) {
        if (reused) continue;
        return undefined;
      }
      const priority = input.priority ?? source.defaultPriority;
      const decision = JSON.stringify(choice.decision);
      const offerTimeoutSeconds = source.assignment === 'offer' ? source.offerTimeoutSeconds : null;
      const view = await this.write(
        input,
        priority,
        choice.assignment,
        decision,
        offerTimeoutSeconds,
        shiftChanges.get(choice.assignment.operatorId) ?? null,
      );
      if (view) return view;
      lost.push(choice.assignment.operatorId);
      this.reads.delete(input.sourceId);
    }
    return undefined;
  }

  /** The source's rules and operators: a read of the last READ_REUSE_MS where that is safe. */
  private async read(input: IntakeRequest, fresh: boolean) {
    const now = Date.now();
    const kept = fresh ? undefined : this.reads.get(input.sourceId);
    if (kept && now - kept.at < this.readReuseMs) {
      return { ...kept.read, stickyOperatorId: null, reused: true };
    }
    const rows = await this.statements.read(input.leadExternalId, input.sourceId);
    if (rows.length === 0) throw new NotFoundException(`source ${input.sourceId} not found`);
    const read = {
      source: toSourceRules(rows[0]),
      configured: rows.filter((row) => row.operatorId !== null).map(toConfiguredOperator),
      // What the claim compares: a shift change stored or due since this read refuses it.
      shiftChanges: new Map(
        rows
          .filter((row) => row.operatorId !== null)
          .map((row) => [Number(row.operatorId), (row.nextShiftChangeAt as Date | null) ?? null]),
      ),
    };
    if (!read.source.sticky && this.distribution.choosesWithoutLoad(read.source)) {
      this.reads.set(input.sourceId, { read, at: now });
    } else {
      this.reads.delete(input.sourceId);
    }
    const sticky = rows[0].stickyOperatorId;
    return { ...read, stickyOperatorId: sticky === null ? null : Number(sticky), reused: false };
  }

  private async write(
    input: IntakeRequest,
    priority: number,
    assignment: { operatorId: number; operatorName: string },
    decision: string,
    /** An offer source's offer_timeout_seconds: the operator is offered the request; null: given. */
    offerTimeoutSeconds: number | null,
    /** The operator's next_shift_change_at in the read the choice was made on. */
    shiftChangeAt: Date | null,
  ): Promise<RequestView | undefined> {
    const at = new Date();
    const created = newEventId(at.getTime());
    const assigned = newEventId(at.getTime());
    const offered = offerTimeoutSeconds !== null;
    // An offered request has nobody until the accept (RequestLifecycleService.create).
    const template: RequestView = {
      id: 0,
      leadId: 0,
      sourceId: input.sourceId,
      operatorId: offered ? null : assignment.operatorId,
      operatorName: offered ? null : assignment.operatorName,
      status: 'active',
      message: input.message,
      createdAt: at,
      assignedAt: offered ? null : at,
      updatedAt: at,
      skills: [],
      priority,
      skillsRelaxed: false,
      pendingOffer: offered
        ? { id: 0, operatorId: assignment.operatorId, expiresAt: expiryOf(at, offerTimeoutSeconds) }
        : null,
    };
    // The response's JSON after its id and lead_id, which the statement puts in front; on an
    // offer, cut again at its pending offer's id (the last field), which the statement puts in.
    let rest = JSON.stringify(toRequestResponse(template)).slice('{"id":0,"lead_id":0'.length);
    let offer: { expiresAt: Date; requestJsonTail: string } | undefined;
    if (template.pendingOffer) {
      const cut = rest.lastIndexOf(OFFER_ID) + OFFER_ID.length;
      offer = { expiresAt: template.pendingOffer.expiresAt, requestJsonTail: rest.slice(cut + 1) };
      rest = rest.slice(0, cut);
    }
    const deliveries = this.outbox.deliveriesStatement();
    let rows: WrittenRow[];
    try {
      rows = await this.statements.write(
        {
          ...input,
          operatorId: assignment.operatorId,
          shiftChangeAt,
          decision,
          at,
          priority,
          requestJsonRest: rest,
          createdEventId: created,
          assignedEventId: assigned,
          offer,
        },
        deliveries,
      );
    } catch (error) {
      // A deadlock or serialization failure ran none of the statement: choose again.
      if (isTransientConflict(error)) return undefined;
      throw error;
    }
    if (rows.length === 0) return undefined;

    const view: RequestView = {
      ...template,
      id: Number(rows[0].requestId),
      leadId: Number(rows[0].leadId),
      pendingOffer: template.pendingOffer && {
        ...template.pendingOffer,
        id: Number(rows[0].offerId),
      },
    };
    const requestJson = offer
      ? `{"id":${view.id},"lead_id":${view.leadId}${rest}${view.pendingOffer!.id}${offer.requestJsonTail}`
      : `{"id":${view.id},"lead_id":${view.leadId}${rest}`;
    const events = (
      [
        [created, 'created', null, null],
        [assigned, offered ? 'offered' : 'assigned', assignment.operatorId, 'intake'],
      ] as const
    ).map(([eventId, type, operatorId, trigger]): Omit<RequestEventRecord, 'id'> => ({
      eventId,
      requestId: view.id,
      sourceId: view.sourceId,
      type,
      operatorId,
      previousOperatorId: null,
      trigger,
      actor: 'intake',
      request: toRequestResponse(view),
      createdAt: at,
    }));
    // The statement has committed: its effects run now, as a transaction's after its commit.
    const effects: Array<() => void> = [];
    const delivered = rows.filter((row) => row.id !== null) as InsertedDelivery[];
    this.outbox.afterStatement(
      { afterCommit: (effect) => effects.push(effect) },
      delivered,
      events,
      requestJson,
      deliveries.claim,
    );
    for (const effect of effects) effect();
    this.notifier.notify();
    this.metrics.recordIntake(view.sourceId, true);
    return view;
  }
}
