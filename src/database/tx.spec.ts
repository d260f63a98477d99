import { postgresPlaceholders, sqliteTimestamp } from './tx';

describe('sqliteTimestamp', () => {
  it('writes the UTC text TypeORM stores, for every instant (not only the last one converted)', () => {
    const first = new Date('2026-01-27T10:30:00.123Z');
    const second = new Date('2026-01-27T10:30:00.124Z');
    expect(sqliteTimestamp(first)).toBe('2026-01-27 10:30:00.123');
    expect(sqliteTimestamp(new Date(first.getTime()))).toBe('2026-01-27 10:30:00.123');
    expect(sqliteTimestamp(second)).toBe('2026-01-27 10:30:00.124');
    expect(sqliteTimestamp(first)).toBe('2026-01-27 10:30:00.123');
  });

  it('stays right when three instants take turns (the two remembered ones and a new one)', () => {
    const instants: Record<string, string> = {
      a: '2026-01-27T10:30:00.001Z',
      b: '2027-02-28T11:31:01.002Z',
      c: '2028-03-29T12:32:02.003Z',
    };
    // Misses that push one instant out, and hits on either remembered one after each of them.
    for (const name of 'abacacbcbab') {
      const iso = instants[name];
      expect(sqliteTimestamp(new Date(iso))).toBe(iso.replace('T', ' ').replace('Z', ''));
    }
  });

  it('keeps years outside 0000–9999 readable (ISO text with a sign)', () => {
    expect(sqliteTimestamp(new Date('+010000-01-01T00:00:00.000Z'))).toBe(
      '+010000-01-01 00:00:00.000',
    );
  });
});

describe('postgresPlaceholders', () => {
  it('numbers the ? placeholders in order', () => {
    expect(postgresPlaceholders('SELECT ? + ?, ?')).toBe('SELECT $1 + $2, $3');
  });
});
