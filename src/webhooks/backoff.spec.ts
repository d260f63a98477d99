import { retryDelayMs } from './backoff';

describe(retryDelayMs.name, () => {
  const base = 1000;
  const max = 3_600_000;

  it('waits about a second before the first retry, between half and all of it', () => {
    expect(retryDelayMs(1, base, max, () => 0)).toBe(500);
    expect(retryDelayMs(1, base, max, () => 1)).toBe(1000);
  });

  it('doubles with every failed attempt', () => {
    const delays = [1, 2, 3, 4, 5].map((n) => retryDelayMs(n, base, max, () => 1));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('is capped at the maximum, however many attempts failed', () => {
    expect(retryDelayMs(13, base, max, () => 1)).toBe(max);
    expect(retryDelayMs(1000, base, max, () => 1)).toBe(max);
    expect(retryDelayMs(1000, base, max, () => 0)).toBe(max / 2);
  });

  it('is jittered: the same attempt gives different waits', () => {
    const waits = new Set(Array.from({ length: 20 }, () => retryDelayMs(5, base, max)));
    expect(waits.size).toBeGreaterThan(1);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(8000);
      expect(wait).toBeLessThanOrEqual(16000);
    }
  });
});
