/**
 * A timestamp from a raw query: PostgreSQL gives a Date, SQLite the UTC text TypeORM wrote
 * ("2026-01-27 10:30:00.000"), which must not be read as local time.
 */
export function parseDbTimestamp(value: Date | string): Date {
  if (value instanceof Date) return value;
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  return new Date(/Z|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}
