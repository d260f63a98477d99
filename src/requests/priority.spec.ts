import { effectivePriority, MAX_PRIORITY } from './priority';

const MINUTE = 60_000;

describe(effectivePriority.name, () => {
  it('is the priority itself without aging or without waiting', () => {
    expect(effectivePriority(30, 0, 60 * MINUTE)).toBe(30);
    expect(effectivePriority(30, 5, 0)).toBe(30);
    // A clock a little behind the stored created_at does not lower it.
    expect(effectivePriority(30, 5, -MINUTE)).toBe(30);
  });

  it('adds the whole points aged: floor(minutes waited × aging per minute)', () => {
    expect(effectivePriority(0, 10, 5 * MINUTE)).toBe(50);
    expect(effectivePriority(0, 10, 5.5 * MINUTE)).toBe(55);
    expect(effectivePriority(0, 10, 5.59 * MINUTE)).toBe(55); // 55.9, not rounded up
    expect(effectivePriority(0, 1, 59.99 * MINUTE)).toBe(59);
    expect(effectivePriority(0, 3, 1.5 * MINUTE)).toBe(4); // 4.5
    expect(effectivePriority(10, 1, MINUTE - 1)).toBe(10); // not a whole point yet
    expect(effectivePriority(10, 1, MINUTE)).toBe(11);
  });

  it('never goes past 100', () => {
    expect(MAX_PRIORITY).toBe(100);
    expect(effectivePriority(95, 10, 2 * MINUTE)).toBe(100); // 115
    expect(effectivePriority(0, 100, 24 * 60 * MINUTE)).toBe(100);
    expect(effectivePriority(100, 0, MINUTE)).toBe(100);
    expect(effectivePriority(99, 1, MINUTE)).toBe(100);
    expect(effectivePriority(99, 1, MINUTE - 1)).toBe(99);
  });

  it('keeps the queue order by effective priority: an old low request overtakes a new urgent one', () => {
    const aging = 10;
    const old = effectivePriority(0, aging, 8 * MINUTE); // 80
    const urgent = effectivePriority(70, aging, 0);
    expect(old).toBeGreaterThan(urgent);
  });
});
