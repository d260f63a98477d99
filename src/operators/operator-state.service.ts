import { Injectable, NotFoundException } from '@nestjs/common';
import type { Tx } from '../database/tx';
import { RequestLifecycleService } from '../requests/lifecycle/request-lifecycle.service';
import { isOnShift, nextShiftChange } from '../shifts/schedule';
import { OperatorEventsRepository } from './operator-events.repository';
import { OperatorWebhooksWriter } from './operator-webhooks.writer';
import { OperatorsRepository } from './operators.repository';
import type { OperatorEventActor, Presence } from './presence';

/**
 * The operator's own state: presence and shift. Each change writes its history event in the
 * change's transaction, and goes through the lifecycle's changeOperator (sources, then operators
 * locked; then a drain), so an operator who becomes available or starts a shift takes waiting
 * work at once. Going away or off shift keeps its requests (the drain finds it ineligible).
 */
@Injectable()
export class OperatorStateService {
  constructor(
    private readonly operators: OperatorsRepository,
    private readonly events: OperatorEventsRepository,
    private readonly lifecycle: RequestLifecycleService,
    private readonly webhooks: OperatorWebhooksWriter,
  ) {}

  /** Sets the presence; an event when presence or reason changed (presence_since: presence). */
  async setPresence(
    tx: Tx,
    id: number,
    presence: Presence,
    reason: string | null,
    actor: OperatorEventActor,
  ): Promise<void> {
    let changed = undefined as { previous: Presence; at: Date } | undefined;
    await this.lifecycle.changeOperator(tx, id, async () => {
      const current = await this.operators.findRow(tx, id);
      if (!current) throw new NotFoundException(`operator ${id} not found`);
      if (current.presence === presence && current.presenceReason === reason) return;
      const at = new Date();
      changed = { previous: current.presence, at };
      await this.operators.update(tx, id, {
        presence,
        presenceReason: reason,
        ...(current.presence === presence ? {} : { presenceSince: at }),
      });
      await this.events.insert(tx, {
        operatorId: id,
        type: 'presence_changed',
        presence,
        reason,
        actor,
        createdAt: at,
      });
    });
    // Every presence change goes through here (PUT presence, missed offers): its webhook, after
    // the drain, so that the operator in it is the one GET shows.
    if (changed) await this.webhooks.presenceChanged(tx, id, changed.previous, actor, changed.at);
  }

  /** Records an activation or deactivation; call after the write, in its transaction. */
  async recordActivity(tx: Tx, id: number, isActive: boolean, presence: Presence): Promise<void> {
    await this.events.insert(tx, {
      operatorId: id,
      type: isActive ? 'activated' : 'deactivated',
      presence,
      reason: null,
      actor: 'admin',
      createdAt: new Date(),
    });
  }

  /**
   * The shift pass's step for one operator whose next_shift_change_at came by `now`: stores the
   * next change, writes `shift_started` or `shift_ended`, and drains its sources. False when
   * another pass (instance) got there first, or the schedule changed meanwhile.
   */
  async passShiftChange(tx: Tx, id: number, now: Date): Promise<boolean> {
    let changed = false;
    await this.lifecycle.changeOperator(tx, id, async () => {
      // Locked by changeOperator (PostgreSQL) or the only writer (SQLite): read as it stands.
      const current = await this.operators.findRow(tx, id);
      const due = current?.nextShiftChangeAt;
      if (!current || !due || due.getTime() > now.getTime()) return;
      await this.operators.update(tx, id, {
        nextShiftChangeAt: nextShiftChange(current.schedule, now),
      });
      await this.events.insert(tx, {
        operatorId: id,
        type: isOnShift(current.schedule, now) ? 'shift_started' : 'shift_ended',
        presence: current.presence,
        reason: null,
        actor: 'system',
        createdAt: now,
      });
      changed = true;
    });
    return changed;
  }
}
