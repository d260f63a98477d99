import { useId } from 'preact/hooks';
import { type ScheduleDto, type Weekday, WEEKDAYS } from './api-types';

/** One row of the editor, as typed: the service judges the values and names a bad one. */
interface Row {
  key: number;
  /** A weekday for weekly rows, a YYYY-MM-DD date for exceptions. */
  on: string;
  start: string;
  end: string;
}

/** The schedule as the form holds it: `enabled` false is null, always on shift. */
export interface ScheduleDraft {
  enabled: boolean;
  timeZone: string;
  weekly: Row[];
  exceptions: Row[];
}

const DAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

let nextKey = 1;
const row = (on: string, start = '', end = ''): Row => ({ key: nextKey++, on, start, end });

/** The browser's own zone, the likeliest one for a new schedule. */
const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Every IANA zone the browser knows, for the time zone field's suggestions. */
const zones = (): string[] => {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
};

export function draftOf(schedule: ScheduleDto | null): ScheduleDraft {
  return {
    enabled: schedule !== null,
    timeZone: schedule?.time_zone ?? localZone(),
    weekly: (schedule?.weekly ?? []).map((w) => row(w.day, w.start, w.end)),
    exceptions: (schedule?.exceptions ?? []).map((e) => row(e.date, e.start ?? '', e.end ?? '')),
  };
}

/** The body's `schedule`: null when off; an exception without times is a day off. */
export function scheduleOf(draft: ScheduleDraft): ScheduleDto | null {
  if (!draft.enabled) return null;
  return {
    time_zone: draft.timeZone.trim(),
    weekly: draft.weekly.map((w) => ({
      day: w.on as Weekday,
      start: w.start.trim(),
      end: w.end.trim(),
    })),
    exceptions: draft.exceptions.map((e) =>
      e.start.trim() === '' && e.end.trim() === ''
        ? { date: e.on }
        : { date: e.on, start: e.start.trim(), end: e.end.trim() },
    ),
  };
}

/**
 * The service's words about a schedule with its paths in the editor's names:
 * `schedule.weekly[1].end must be after start` → `Weekly hours, row 2: end must be after start`.
 */
export function scheduleWords(text: string): string {
  const rowName = (list: string, i: string) =>
    `${list === 'weekly' ? 'Weekly hours' : 'Exceptions'}, row ${Number(i) + 1}`;
  return text
    .replace(
      /\b[Ss]chedule\.(weekly|exceptions)\[(\d+)\]\./g,
      (_, list: string, i: string) => `${rowName(list, i)}: `,
    )
    .replace(/\b[Ss]chedule\.(weekly|exceptions)\[(\d+)\]/g, (_, list: string, i: string) =>
      rowName(list, i),
    )
    .replace(/\b[Ss]chedule\.time_zone\b/g, 'Time zone');
}

interface Props {
  draft: ScheduleDraft;
  onChange(draft: ScheduleDraft): void;
}

/**
 * Working hours: a time zone, hours by weekday and dated exceptions (no times: a day off).
 * Times are typed as HH:MM (24:00 ends a day, which a time picker cannot hold).
 */
export function ScheduleEditor({ draft, onChange }: Props) {
  const id = useId();
  const set = (change: Partial<ScheduleDraft>) => onChange({ ...draft, ...change });
  const setRow = (list: 'weekly' | 'exceptions', key: number, change: Partial<Row>) =>
    set({ [list]: draft[list].map((r) => (r.key === key ? { ...r, ...change } : r)) });
  const remove = (list: 'weekly' | 'exceptions', key: number) =>
    set({ [list]: draft[list].filter((r) => r.key !== key) });
  const time = (list: 'weekly' | 'exceptions', r: Row, field: 'start' | 'end', label: string) => (
    <input
      class="time"
      inputMode="numeric"
      placeholder={field === 'start' ? '09:00' : '17:00'}
      maxLength={5}
      aria-label={label}
      value={r[field]}
      onInput={(event) => setRow(list, r.key, { [field]: event.currentTarget.value })}
    />
  );

  return (
    <fieldset class="schedule">
      <legend>Schedule</legend>
      <label class="check">
        <input
          type="checkbox"
          checked={draft.enabled}
          aria-describedby={`${id}-hint`}
          onChange={(event) => set({ enabled: event.currentTarget.checked })}
        />{' '}
        Working hours
      </label>
      <p class="hint" id={`${id}-hint`}>
        Off: always on shift. On: new work comes only inside these hours; requests already taken
        stay when a shift ends.
      </p>
      {draft.enabled && (
        <>
          <div class="field">
            <label for={`${id}-zone`}>Time zone</label>
            <input
              id={`${id}-zone`}
              list={`${id}-zones`}
              autocomplete="off"
              value={draft.timeZone}
              onInput={(event) => set({ timeZone: event.currentTarget.value })}
            />
            <datalist id={`${id}-zones`}>
              {zones().map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
          </div>
          <div class="schedule-list" role="group" aria-labelledby={`${id}-weekly`}>
            <h3 id={`${id}-weekly`}>Weekly hours</h3>
            {draft.weekly.length === 0 && (
              <p class="empty">No weekly hours: off shift except on exceptions.</p>
            )}
            {draft.weekly.map((r, i) => (
              <div class="schedule-row" key={r.key}>
                <select
                  aria-label={`Weekly hours, row ${i + 1}: day`}
                  value={r.on}
                  onChange={(event) => setRow('weekly', r.key, { on: event.currentTarget.value })}
                >
                  {WEEKDAYS.map((day) => (
                    <option key={day} value={day}>
                      {DAY_NAMES[day]}
                    </option>
                  ))}
                </select>
                {time('weekly', r, 'start', `Weekly hours, row ${i + 1}: start`)}
                <span aria-hidden="true">–</span>
                {time('weekly', r, 'end', `Weekly hours, row ${i + 1}: end`)}
                <button
                  type="button"
                  class="link"
                  aria-label={`Remove weekly hours, row ${i + 1}`}
                  onClick={() => remove('weekly', r.key)}
                >
                  Remove
                </button>
              </div>
            ))}
            <div class="schedule-add">
              <button
                type="button"
                class="secondary"
                onClick={() => {
                  const last = draft.weekly[draft.weekly.length - 1];
                  const day = last
                    ? WEEKDAYS[(WEEKDAYS.indexOf(last.on as Weekday) + 1) % 7]
                    : 'mon';
                  set({
                    weekly: [
                      ...draft.weekly,
                      row(day, last?.start ?? '09:00', last?.end ?? '17:00'),
                    ],
                  });
                }}
              >
                Add hours
              </button>
              <button
                type="button"
                class="secondary"
                onClick={() =>
                  set({
                    weekly: [
                      ...draft.weekly,
                      ...WEEKDAYS.slice(0, 5).map((day) => row(day, '09:00', '17:00')),
                    ],
                  })
                }
              >
                Add Monday to Friday, 09:00–17:00
              </button>
            </div>
          </div>
          <div class="schedule-list" role="group" aria-labelledby={`${id}-exceptions`}>
            <h3 id={`${id}-exceptions`}>Exceptions</h3>
            <p class="hint">
              A date’s own hours replace its weekday’s; a date without times is a day off.
            </p>
            {draft.exceptions.map((r, i) => (
              <div class="schedule-row" key={r.key}>
                <input
                  type="date"
                  aria-label={`Exceptions, row ${i + 1}: date`}
                  value={r.on}
                  onInput={(event) =>
                    setRow('exceptions', r.key, { on: event.currentTarget.value })
                  }
                />
                {time('exceptions', r, 'start', `Exceptions, row ${i + 1}: start`)}
                <span aria-hidden="true">–</span>
                {time('exceptions', r, 'end', `Exceptions, row ${i + 1}: end`)}
                <button
                  type="button"
                  class="link"
                  aria-label={`Remove exceptions, row ${i + 1}`}
                  onClick={() => remove('exceptions', r.key)}
                >
                  Remove
                </button>
              </div>
            ))}
            <div class="schedule-add">
              <button
                type="button"
                class="secondary"
                onClick={() =>
                  set({
                    exceptions: [...draft.exceptions, row(new Date().toISOString().slice(0, 10))],
                  })
                }
              >
                Add exception
              </button>
            </div>
          </div>
        </>
      )}
    </fieldset>
  );
}
