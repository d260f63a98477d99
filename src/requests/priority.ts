export const MAX_PRIORITY = 100;

/**
 * A waiting request's priority after aging: min(100, priority + floor(minutes waited × aging
 * per minute)), so a low-priority request is not starved by a stream of urgent ones.
 */
export function effectivePriority(
  priority: number,
  agingPerMinute: number,
  waitedMs: number,
): number {
  if (agingPerMinute <= 0 || waitedMs <= 0) return Math.min(MAX_PRIORITY, priority);
  const aged = priority + Math.floor((waitedMs / 60_000) * agingPerMinute);
  return Math.min(MAX_PRIORITY, aged);
}
