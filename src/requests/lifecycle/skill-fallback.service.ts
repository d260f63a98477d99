import { Injectable } from '@nestjs/common';
import { WaitingWorkPass } from './waiting-work-pass';

/** Requests relaxed per pass at most; the next pass takes the rest. */
const BATCH = 100;

/**
 * Skill fallback: every SKILL_FALLBACK_INTERVAL_MS it relaxes the waiting requests that have
 * waited their source's skill_fallback_seconds, one short transaction each, and drains their
 * source. Nothing else has to happen for a request to be relaxed on time (at most one interval
 * late). Several instances may run it at once: a relax locks its request and re-checks it, so a
 * request is relaxed once.
 */
@Injectable()
export class SkillFallbackService extends WaitingWorkPass {
  protected intervalMs(): number {
    return this.config.SKILL_FALLBACK_INTERVAL_MS;
  }

  /** One pass; returns how many requests it relaxed. */
  async tick(now = new Date()): Promise<number> {
    let relaxed = 0;
    for (const id of await this.requests.dueForRelax(now, BATCH)) {
      if (await this.transactions.run((tx) => this.lifecycle.relax(tx, id, now))) relaxed++;
    }
    return relaxed;
  }
}
