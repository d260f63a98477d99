import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';
import type { SourceResponseDto, StaffingPlanCellDto, StaffingPlanResponseDto } from './api-types';
import { duration } from './ServiceLevels';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_NAMES: Record<StaffingPlanCellDto['day'], string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};
const HOURS = Array.from({ length: 24 }, (_, h) => h);
const WEEK_CHOICES = [1, 2, 4, 8, 12];
const DEFAULT_WEEKS = 4;
/** The tooltip's width in px (styles.css): it is kept inside the card. */
const TIP_WIDTH = 224;

const pad = (n: number) => String(n).padStart(2, '0');
/** Up to two decimals, without trailing zeros: 2.5, 0.25, 3. */
export const rate = (n: number) => String(Math.round(n * 100) / 100);
/** "−2" (a true minus sign), "+3", "0". */
export const signed = (n: number) => (n < 0 ? `−${-n}` : n > 0 ? `+${n}` : '0');

export function gapWord(gap: number | null): string {
  if (gap === null) return 'unknown: no handle time yet';
  return gap < 0 ? 'understaffed' : gap > 0 ? 'overstaffed' : 'balanced';
}

/** What a cell shows: the gap with its sign, blank when balanced, "?" when unknown. */
export function gapMark(gap: number | null): string {
  return gap === null ? '?' : gap === 0 ? '' : signed(gap);
}

/** What a cell says, to the eye (its tooltip) and to a screen reader (its name). */
export function cellText(cell: StaffingPlanCellDto): string {
  return (
    `${DAY_NAMES[cell.day]} ${pad(cell.hour)}:00–${pad(cell.hour + 1)}:00: ` +
    `${rate(cell.arrivals_per_hour)} arrivals/h, required ${cell.required_capacity ?? '?'}, ` +
    `scheduled ${cell.scheduled_capacity}, gap ${cell.gap === null ? '?' : signed(cell.gap)} ` +
    `(${gapWord(cell.gap)})`
  );
}

/** The colour step of a gap: three shades short, neutral, two shades over. */
export function gapClass(gap: number | null): string {
  if (gap === null) return 'gap-unknown';
  if (gap <= -3) return 'gap-short-3';
  if (gap === -2) return 'gap-short-2';
  if (gap === -1) return 'gap-short-1';
  if (gap === 0) return 'gap-even';
  return gap <= 2 ? 'gap-over-1' : 'gap-over-2';
}

/** The browser's IANA zone, and the zones it knows (UTC and the browser's own always among them). */
export function timeZones(): { own: string; all: string[] } {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const known =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return { own, all: [...new Set(['UTC', own, ...known])].sort() };
}

interface Props {
  sources: SourceResponseDto[];
  /** Changes whenever the board reloads (a live event, an action): the plan is read again. */
  generation: number;
  explain(error: unknown): string;
}

/** Who is needed when: a source's week, hour by hour, required against scheduled capacity. */
export function Staffing({ sources, generation, explain }: Props) {
  const [zones] = useState(timeZones);
  const [chosen, setChosen] = useState('');
  const [zone, setZone] = useState(zones.own);
  const [weeks, setWeeks] = useState(DEFAULT_WEEKS);
  const [plan, setPlan] = useState<StaffingPlanResponseDto | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // The API needs a source: the first one until another is picked (or the picked one is gone).
  const sourceId = sources.some((s) => String(s.id) === chosen)
    ? chosen
    : sources.length > 0
      ? String(sources[0].id)
      : '';

  useEffect(() => {
    if (!sourceId) return;
    let cancelled = false;
    const params = new URLSearchParams({
      source_id: sourceId,
      weeks: String(weeks),
      time_zone: zone,
    });
    api<StaffingPlanResponseDto>('GET', `/staffing/plan?${params.toString()}`).then(
      (result) => {
        if (cancelled) return;
        setPlan(result);
        setProblem(null);
      },
      (error: unknown) => {
        if (!cancelled) setProblem(explain(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [sourceId, zone, weeks, generation]);

  // The plan of another source or zone is not shown while this one loads.
  const shown =
    plan && String(plan.source_id) === sourceId && plan.time_zone === zone ? plan : null;

  return (
    <section class="card wide" aria-labelledby="staffing-title">
      <div class="card-header">
        <h2 id="staffing-title">Staffing</h2>
        <div class="toolbar">
          <div class="field inline">
            <label for="staffing-source">Source</label>
            <select
              id="staffing-source"
              value={sourceId}
              disabled={sources.length === 0}
              onChange={(event) => setChosen(event.currentTarget.value)}
            >
              {sources.map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field inline">
            <label for="staffing-zone">Time zone</label>
            <select
              id="staffing-zone"
              value={zone}
              onChange={(event) => setZone(event.currentTarget.value)}
            >
              {zones.all.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </div>
          <div class="field inline">
            <label for="staffing-weeks">History</label>
            <select
              id="staffing-weeks"
              value={String(weeks)}
              onChange={(event) => setWeeks(Number(event.currentTarget.value))}
            >
              {WEEK_CHOICES.map((w) => (
                <option key={w} value={String(w)}>
                  {w === 1 ? 'last week' : `last ${w} weeks`}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>
      {sources.length === 0 ? (
        <p class="empty">Add a source to plan its staffing.</p>
      ) : (
        <>
          {problem && <p class="error-text">{problem}</p>}
          {!shown && !problem && <p class="loading">Loading…</p>}
          {shown && <Plan plan={shown} />}
        </>
      )}
    </section>
  );
}

interface Tip {
  key: string;
  top: number;
  left: number;
  above: boolean;
}

const keyOf = (cell: { day: string; hour: number }) => `${cell.day} ${cell.hour}`;

function Plan({ plan }: { plan: StaffingPlanResponseDto }) {
  /** The cell under the pointer or focus (by its "mon 9" key: a reload brings new objects). */
  const [active, setActive] = useState<Tip | null>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const cells = new Map(plan.cells.map((c) => [keyOf(c), c]));
  const short = plan.cells.filter((c) => c.gap !== null && c.gap < 0).length;
  const unknown = plan.cells.some((c) => c.gap === null);

  const show = (cell: StaffingPlanCellDto, target: HTMLElement) => {
    const box = wrap.current?.getBoundingClientRect();
    if (!box) return;
    const r = target.getBoundingClientRect();
    const above = DAYS.indexOf(cell.day) >= 4;
    const left = Math.min(
      Math.max(r.left - box.left + r.width / 2 - TIP_WIDTH / 2, 0),
      Math.max(box.width - TIP_WIDTH, 0),
    );
    const top = above ? r.top - box.top - 4 : r.bottom - box.top + 4;
    setActive({ key: keyOf(cell), left, above, top });
  };
  const hide = (cell: StaffingPlanCellDto) => setActive((a) => (a?.key === keyOf(cell) ? null : a));
  const tip = active && cells.get(active.key);

  return (
    <>
      <p class="hint">
        Mean arrivals over the {plan.weeks === 1 ? 'last week' : `last ${plan.weeks} weeks`}
        {plan.aht_seconds === null ? '' : `, handle time ${duration(plan.aht_seconds)}`}; required
        capacity by Erlang C against the schedules of the coming week.{' '}
        <strong>
          {short === 0
            ? 'No hour is understaffed.'
            : `${short} ${short === 1 ? 'hour is' : 'hours are'} understaffed.`}
        </strong>
      </p>
      <ul class="legend gap-legend" aria-label="Legend">
        <li>
          <span class="swatch gap-short-3" aria-hidden="true" />
          <span class="swatch gap-short-1" aria-hidden="true" /> understaffed (−1, −2 …)
        </li>
        <li>
          <span class="swatch gap-even" aria-hidden="true" /> balanced (blank)
        </li>
        {unknown && (
          <li>
            <span class="swatch gap-unknown" aria-hidden="true" /> ? unknown: arrivals but no handle
            time yet
          </li>
        )}
        <li>
          <span class="swatch gap-over-1" aria-hidden="true" />
          <span class="swatch gap-over-2" aria-hidden="true" /> overstaffed (+1, +2 …)
        </li>
        <li>Each cell: scheduled − required capacity (units of max load).</li>
      </ul>
      <div class="plan" ref={wrap}>
        <div class="scroll">
          <table
            class="staffing-grid"
            aria-label="Staffing gap per hour"
            onMouseLeave={() => setActive(null)}
          >
            <thead>
              <tr>
                <th scope="col">
                  <span class="visually-hidden">Day</span>
                </th>
                {HOURS.map((h) => (
                  <th scope="col" key={h}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {DAYS.map((day) => (
                <tr key={day}>
                  <th scope="row">{DAY_NAMES[day]}</th>
                  {HOURS.map((hour) => {
                    const cell = cells.get(keyOf({ day, hour }));
                    if (!cell) return <td key={hour} class="gap-missing" />;
                    return (
                      <td
                        key={hour}
                        class={gapClass(cell.gap)}
                        tabIndex={0}
                        aria-label={cellText(cell)}
                        aria-describedby={active?.key === keyOf(cell) ? 'staffing-tip' : undefined}
                        onMouseEnter={(event) => show(cell, event.currentTarget)}
                        onFocus={(event) => show(cell, event.currentTarget)}
                        onBlur={() => hide(cell)}
                        onKeyDown={(event) => event.key === 'Escape' && setActive(null)}
                      >
                        {gapMark(cell.gap)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {active && tip && (
          <div
            id="staffing-tip"
            role="tooltip"
            class={`tip${active.above ? ' above' : ''}`}
            style={{ top: `${active.top}px`, left: `${active.left}px` }}
          >
            <strong>
              {DAY_NAMES[tip.day]} {pad(tip.hour)}:00–{pad(tip.hour + 1)}:00
            </strong>
            <span>{rate(tip.arrivals_per_hour)} arrivals/h</span>
            <span>required {tip.required_capacity ?? '? (no handle time yet)'}</span>
            <span>scheduled {tip.scheduled_capacity}</span>
            <span>
              gap {tip.gap === null ? '?' : signed(tip.gap)} ({gapWord(tip.gap)})
            </span>
          </div>
        )}
      </div>
    </>
  );
}
