/**
 * How long to wait after `attempts` failed attempts: exponential (base, 2×base, 4×base, …),
 * capped at `maxMs`, with "equal jitter" (between half and all of it), so receivers that come
 * back are not hit by every instance at the same moment.
 */
export function retryDelayMs(
  attempts: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
