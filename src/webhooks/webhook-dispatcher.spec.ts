import { BATCH_SIZE, MAX_PASSES, mayStartPass, QUICK_PASS_MS } from './webhook-dispatcher';

describe('mayStartPass', () => {
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
