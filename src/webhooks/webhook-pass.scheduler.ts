/** Deliveries claimed per pass (and sent at once). */
export const BATCH_SIZE = 200;
/** A nudge waits this long for others to join its pass. */
export const COALESCE_MS = 10;
/**
 * Passes sending at once, at most. More than one only while a full batch of deliveries claimed
 * at insert waits and the last pass was quick (see mayStartPass).
 */
export const MAX_PASSES = 4;
/** A pass that sent and recorded its batch within this is quick: receivers are not the limit. */
export const QUICK_PASS_MS = 500;
/** A retry's timer fires this much after the retry is due, so that the row is due by then. */
export const RETRY_TIMER_SLACK_MS = 5;

/**
 * Whether another pass may start now. One at a time as a rule. A full batch waiting while the
 * last pass was quick means the gaps between passes (the coalescing wait, the hand-over, the
 * outcomes) hold sending back, not the receivers: then passes overlap, so that the deliveries
 * claimed at insert do not pile up past CLAIMED_BACKLOG_LIMIT (new rows would then be written
 * unclaimed and each cost a claim later). Never when the last pass was slow: its receivers would
 * only get a longer queue, and a webhook's deadline runs from when it is handed to the sender.
 */
export function mayStartPass(state: {
  running: number;
  claimedWaiting: number;
  lastPassMs: number;
}): boolean {
  if (state.running === 0) return true;
  return (
    state.running < MAX_PASSES &&
    state.claimedWaiting >= BATCH_SIZE &&
    state.lastPassMs < QUICK_PASS_MS
  );
}

export interface PassResult {
  /** More work is known to wait (a full batch, or deliveries claimed at insert). */
  more: boolean;
  /** From the pass's start to its outcomes recorded; absent when the pass failed. */
  tookMs?: number;
}

/** What the scheduler runs, and what it asks of it. */
export interface ScheduledPasses {
  /** One pass. Never rejects: a failure is the pass's to log. */
  pass(): Promise<PassResult>;
  /** Deliveries claimed at insert that wait in memory for a pass. */
  claimedWaiting(): number;
  /** A timer fired (the fallback poll, a retry falling due): rows may be due in the table. */
  due(): void;
}

/**
 * When the dispatcher's passes run: soon after a wake-up (coalescing the nudges of many commits
 * into one pass), again at once while work is known to wait, when a retry falls due, and at the
 * fallback poll; overlapping only as mayStartPass allows. Stopping cancels every timer and waits
 * for the passes running.
 */
export class WebhookPassScheduler {
  private readonly passes = new Set<Promise<void>>();
  /** How long the last pass took (from its start to its outcomes recorded). */
  private lastPassMs = Infinity;
  private pollTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private retryAt = Infinity;
  private scheduled?: NodeJS.Timeout;
  /** A wake-up came while no pass could start, or during one: another pass follows. */
  private again = false;
  private stopped = true;

  constructor(private readonly work: ScheduledPasses) {}

  /** Polls every `pollIntervalMs` (the timer does not keep the process alive) and wakes now. */
  start(pollIntervalMs: number): void {
    this.stopped = false;
    this.pollTimer = setInterval(() => this.work.due(), pollIntervalMs);
    this.pollTimer.unref();
    this.wake();
  }

  /** Cancels the timers, then waits for the passes running. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.scheduled);
    this.scheduled = undefined;
    await Promise.all(this.passes);
  }

  /** Asks for a pass soon; cheap and coalescing. */
  wake(): void {
    if (this.stopped) return;
    if (!this.mayStartPass()) {
      this.again = true;
      return;
    }
    this.schedule(COALESCE_MS);
  }

  /** A retry this instance scheduled is sent on time (`at`, ms since the epoch), not at the next poll. */
  wakeAt(at: number): void {
    if (this.stopped || at >= this.retryAt) return;
    clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = setTimeout(
      () => {
        this.retryAt = Infinity;
        this.work.due();
      },
      Math.max(0, at - Date.now()) + RETRY_TIMER_SLACK_MS,
    );
    this.retryTimer.unref();
  }

  /** Resolves once no pass is running (passes started meanwhile included). */
  async idle(): Promise<void> {
    while (this.passes.size > 0) await Promise.all(this.passes);
  }

  get running(): number {
    return this.passes.size;
  }

  private mayStartPass(): boolean {
    return mayStartPass({
      running: this.passes.size,
      claimedWaiting: this.work.claimedWaiting(),
      lastPassMs: this.lastPassMs,
    });
  }

  /**
   * The next pass, after `delay` ms: nudges that arrive meanwhile join it, so under load one
   * claim and one record transaction serve many commits instead of two per commit.
   */
  private schedule(delay: number): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      if (this.stopped) return;
      if (!this.mayStartPass()) {
        this.again = true;
        return;
      }
      this.again = false;
      const pass: Promise<void> = this.work.pass().then(({ more, tookMs }) => {
        if (tookMs !== undefined) this.lastPassMs = tookMs;
        this.passes.delete(pass);
        // More due work (a full batch), or nudges that came during the pass.
        if (more) this.schedule(0);
        else if (this.again) this.schedule(COALESCE_MS);
      });
      this.passes.add(pass);
      // A full batch already waits for the next pass: it need not wait for this one to end.
      if (this.mayStartPass()) this.schedule(0);
    }, delay);
  }
}
