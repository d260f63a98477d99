import {
  BATCH_SIZE,
  COALESCE_MS,
  MAX_PASSES,
  mayStartPass,
  type PassResult,
  QUICK_PASS_MS,
  RETRY_TIMER_SLACK_MS,
  WebhookPassScheduler,
} from './webhook-pass.scheduler';

describe(mayStartPass.name, () => {
  const quick = QUICK_PASS_MS - 1;

  it('starts a pass whenever none is running', () => {
    expect(mayStartPass({ running: 0, claimedWaiting: 0, lastPassMs: Infinity })).toBe(true);
  });

  it('overlaps passes only while a full batch waits and the last pass was quick', () => {
    expect(mayStartPass({ running: 1, claimedWaiting: BATCH_SIZE, lastPassMs: quick })).toBe(true);
    expect(mayStartPass({ running: 1, claimedWaiting: BATCH_SIZE - 1, lastPassMs: quick })).toBe(
      false,
    );
  });

  it('never overlaps after a slow pass: slow receivers would only get a longer queue', () => {
    expect(
      mayStartPass({ running: 1, claimedWaiting: 10 * BATCH_SIZE, lastPassMs: QUICK_PASS_MS }),
    ).toBe(false);
    expect(mayStartPass({ running: 1, claimedWaiting: BATCH_SIZE, lastPassMs: Infinity })).toBe(
      false,
    );
  });

  it('runs at most MAX_PASSES at once', () => {
    const waiting = 10 * BATCH_SIZE;
    expect(mayStartPass({ running: MAX_PASSES - 1, claimedWaiting: waiting, lastPassMs: 1 })).toBe(
      true,
    );
    expect(mayStartPass({ running: MAX_PASSES, claimedWaiting: waiting, lastPassMs: 1 })).toBe(
      false,
    );
  });
});

describe(WebhookPassScheduler.name, () => {
  const POLL_MS = 1000;
  let sut: WebhookPassScheduler;
  let passes: Array<(result: PassResult) => void>;
  let claimedWaiting: number;
  let dueCalls: number;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    passes = [];
    claimedWaiting = 0;
    dueCalls = 0;
    sut = new WebhookPassScheduler({
      // Each pass runs until the test ends it.
      pass: () => new Promise<PassResult>((resolve) => passes.push(resolve)),
      claimedWaiting: () => claimedWaiting,
      due: () => {
        dueCalls++;
        sut.wake();
      },
    });
  });
  afterEach(async () => {
    for (const end of passes) end({ more: false });
    await sut.stop();
    jest.useRealTimers();
  });

  /**
   * Advances the clock by `ms`, then by as many milliseconds as passes may start one after the
   * other (a 0 ms timeout fires after 1 ms, as in Node).
   */
  const advance = async (ms: number) => {
    await jest.advanceTimersByTimeAsync(ms);
    for (let i = 0; i < MAX_PASSES; i++) await jest.advanceTimersByTimeAsync(1);
  };

  /** Ends the oldest running pass with `result` and lets its follow-ups be scheduled. */
  const endPass = async (result: PassResult = { more: false, tookMs: 1 }) => {
    passes.shift()!(result);
    await jest.advanceTimersByTimeAsync(0);
  };

  it('does nothing before start, and wakes at once when started', async () => {
    sut.wake();
    await jest.advanceTimersByTimeAsync(POLL_MS);
    expect(passes).toHaveLength(0);

    sut.start(POLL_MS);
    await jest.advanceTimersByTimeAsync(COALESCE_MS - 1);
    expect(passes).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(passes).toHaveLength(1);
  });

  it('coalesces the wake-ups of one window into one pass', async () => {
    sut.start(POLL_MS);
    for (let i = 0; i < 5; i++) sut.wake();
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    expect(passes).toHaveLength(1);
  });

  it('runs one pass more after wake-ups that came during a pass, and none after a quiet one', async () => {
    sut.start(POLL_MS);
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    sut.wake();
    sut.wake();
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    expect(passes).toHaveLength(1);
    await endPass();
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    expect(passes).toHaveLength(1);
    await endPass();
    await jest.advanceTimersByTimeAsync(POLL_MS - 1 - 2 * COALESCE_MS);
    expect(passes).toHaveLength(0);
  });

  it('follows a pass that left more work at once, without the coalescing wait', async () => {
    sut.start(POLL_MS);
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    await endPass({ more: true, tookMs: 1 });
    await jest.advanceTimersByTimeAsync(1);
    expect(passes).toHaveLength(1);
  });

  it('overlaps passes while a full batch waits after a quick pass, up to MAX_PASSES', async () => {
    sut.start(POLL_MS);
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    await endPass({ more: false, tookMs: QUICK_PASS_MS - 1 });
    claimedWaiting = 10 * BATCH_SIZE;
    sut.wake();
    await advance(COALESCE_MS);
    expect(passes).toHaveLength(MAX_PASSES);
    expect(sut.running).toBe(MAX_PASSES);
  });

  it('does not overlap after a slow pass', async () => {
    sut.start(POLL_MS);
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    claimedWaiting = 10 * BATCH_SIZE;
    await endPass({ more: true, tookMs: QUICK_PASS_MS });
    sut.wake();
    await advance(COALESCE_MS);
    expect(passes).toHaveLength(1);
  });

  it('keeps the last duration when a pass fails', async () => {
    sut.start(POLL_MS);
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    await endPass({ more: false, tookMs: 1 });
    sut.wake();
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    await endPass({ more: false });
    claimedWaiting = BATCH_SIZE;
    sut.wake();
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    expect(passes).toHaveLength(1);
    await advance(0);
    // Still quick (the failed pass did not count): passes overlap.
    expect(passes).toHaveLength(MAX_PASSES);
  });

  it('polls every interval: each poll reports rows as maybe due', async () => {
    sut.start(POLL_MS);
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    await endPass();
    await jest.advanceTimersByTimeAsync(POLL_MS - COALESCE_MS);
    expect(dueCalls).toBe(1);
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    expect(passes).toHaveLength(1);
    await endPass();
    await jest.advanceTimersByTimeAsync(POLL_MS);
    expect(dueCalls).toBe(2);
  });

  it('wakes when a retry falls due, the soonest of several, not at the next poll', async () => {
    sut.start(60_000);
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    await endPass();
    const now = Date.now();
    sut.wakeAt(now + 500);
    sut.wakeAt(now + 200);
    sut.wakeAt(now + 300);
    await jest.advanceTimersByTimeAsync(200 + RETRY_TIMER_SLACK_MS - 1);
    expect(dueCalls).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(dueCalls).toBe(1);
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    expect(passes).toHaveLength(1);
    await endPass();
    // The later retries were folded into the first: the next poll (or pass) takes them.
    await jest.advanceTimersByTimeAsync(1000);
    expect(dueCalls).toBe(1);
  });

  it('stops: cancels the poll, a retry and a scheduled pass, and waits for the running one', async () => {
    sut.start(POLL_MS);
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    sut.wakeAt(Date.now() + 100);
    sut.wake();
    let stopped = false;
    const stopping = sut.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    await endPass({ more: true, tookMs: 1 });
    await stopping;
    expect(stopped).toBe(true);
    sut.wake();
    await jest.advanceTimersByTimeAsync(10 * POLL_MS);
    expect(passes).toHaveLength(0);
    expect(dueCalls).toBe(0);
  });

  it('idle() resolves once no pass runs, passes started meanwhile included', async () => {
    sut.start(POLL_MS);
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    await endPass({ more: false, tookMs: 1 });
    sut.wake();
    await jest.advanceTimersByTimeAsync(COALESCE_MS);
    let idle = false;
    const waiting = sut.idle().then(() => (idle = true));
    // A full batch waits: passes start beside the one running.
    claimedWaiting = BATCH_SIZE;
    sut.wake();
    await advance(COALESCE_MS);
    expect(passes).toHaveLength(MAX_PASSES);
    claimedWaiting = 0;
    await endPass();
    expect(idle).toBe(false);
    while (passes.length > 1) await endPass();
    expect(idle).toBe(false);
    await endPass();
    await waiting;
    expect(idle).toBe(true);
  });
});
