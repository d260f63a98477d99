import type { Schedule } from './schedule';

// Parsed schedules by their stored text: every choice reads its operators' schedules, and a
// schedule is compiled once per object (schedule.ts), so equal text shares one object.
const parsed = new Map<string, Schedule>();
const CACHE_LIMIT = 10_000;

/** A stored schedule (JSON text, or already parsed by the driver) as a Schedule; null: always on. */
export function parseSchedule(value: unknown): Schedule | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return value as Schedule;
  let schedule = parsed.get(value);
  if (schedule === undefined) {
    if (parsed.size >= CACHE_LIMIT) parsed.clear();
    schedule = JSON.parse(value) as Schedule;
    parsed.set(value, schedule);
  }
  return schedule;
}

/** A schedule as stored: its JSON text, null for always on shift. */
export function storeSchedule(schedule: Schedule | null | undefined): string | null {
  return schedule == null ? null : JSON.stringify(schedule);
}

/** The TypeORM column of an operator's schedule. */
export const scheduleColumn = {
  type: 'text' as const,
  nullable: true,
  transformer: { to: storeSchedule, from: parseSchedule },
};
