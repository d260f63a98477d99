import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type {
  ServiceLevelBucketDto,
  ServiceLevelsResponseDto,
  SourceResponseDto,
} from './api-types';

/** The window shown: the last three days, an hour per bar (72 bars). */
export const SERVICE_LEVEL_HOURS = 72;
const HOUR_MS = 3_600_000;

const WIDTH = 760;
const HEIGHT = 230;
const LEFT = 44;
const RIGHT = 48;
const TOP = 12;
const BOTTOM = 40;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');

/** "Mon 14:00" in the browser's time zone: the hour a bucket starts. */
export function hourLabel(iso: string): string {
  const d = new Date(iso);
  return `${WEEKDAYS[d.getDay()]} ${pad(d.getHours())}:00`;
}

/** "0 s", "42 s", "3 min 5 s", "2 h 4 min". */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return s % 60 ? `${minutes} min ${s % 60} s` : `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const wholePercent = (share: number) => `${Math.round(share * 100)}%`;

/** What a bar says, to the eye (its tooltip) and to a screen reader (its name). */
export function bucketText(bucket: ServiceLevelBucketDto): string {
  const when = hourLabel(bucket.start);
  if (bucket.arrivals === 0) return `${when}: no arrivals`;
  const parts = [
    `${bucket.arrivals} ${bucket.arrivals === 1 ? 'arrival' : 'arrivals'}`,
    `service level ${bucket.service_level === null ? '—' : wholePercent(bucket.service_level)}`,
  ];
  if (bucket.wait_p90_seconds !== null) parts.push(`wait p90 ${duration(bucket.wait_p90_seconds)}`);
  return `${when}: ${parts.join(', ')}`;
}

export interface ServiceLevelSummary {
  arrivals: number;
  /** Answered within target over all arrivals; null without arrivals. */
  serviceLevel: number | null;
  /** The worst hour's 90th percentile wait: percentiles of hours do not add up to one. */
  worstWaitP90: number | null;
  longestWait: number | null;
}

export function summarize(buckets: ServiceLevelBucketDto[]): ServiceLevelSummary {
  const arrivals = buckets.reduce((sum, b) => sum + b.arrivals, 0);
  const answered = buckets.reduce((sum, b) => sum + b.answered_within_target, 0);
  const max = (values: Array<number | null>) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length > 0 ? Math.max(...known) : null;
  };
  return {
    arrivals,
    serviceLevel: arrivals > 0 ? answered / arrivals : null,
    worstWaitP90: max(buckets.map((b) => b.wait_p90_seconds)),
    longestWait: max(buckets.map((b) => b.wait_max_seconds)),
  };
}

/** The smallest of 1, 2, 4, 6, 8, 10, 20 … at least `value`: the arrivals axis' top, whose half is whole. */
export function niceCeiling(value: number): number {
  let step = 1;
  for (;;) {
    for (const m of [1, 2, 4, 6, 8]) if (step * m >= value) return step * m;
    step *= 10;
  }
}

interface Props {
  sources: SourceResponseDto[];
  /** Changes whenever the board reloads (a live event, an action): the figures are read again. */
  generation: number;
  explain(error: unknown): string;
}

/** Arrivals per hour (bars) and the share answered within target (line), the last three days. */
export function ServiceLevels({ sources, generation, explain }: Props) {
  const [sourceId, setSourceId] = useState('');
  const [data, setData] = useState<ServiceLevelsResponseDto | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    // Whole hours: the first bucket starts 71 h before the current hour's start.
    const from = new Date(
      Math.floor(Date.now() / HOUR_MS) * HOUR_MS - (SERVICE_LEVEL_HOURS - 1) * HOUR_MS,
    );
    const params = new URLSearchParams({ from: from.toISOString(), bucket: 'hour' });
    if (sourceId) params.set('source_id', sourceId);
    api<ServiceLevelsResponseDto>('GET', `/analytics/service-levels?${params.toString()}`).then(
      (result) => {
        if (cancelled) return;
        setData(result);
        setProblem(null);
      },
      (error: unknown) => {
        if (!cancelled) setProblem(explain(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [sourceId, generation]);

  const summary = data && summarize(data.buckets);

  return (
    <section class="card wide" aria-labelledby="service-levels-title">
      <div class="card-header">
        <h2 id="service-levels-title">Service levels</h2>
        <div class="field inline">
          <label for="service-levels-source">Source</label>
          <select
            id="service-levels-source"
            value={sourceId}
            onChange={(event) => setSourceId(event.currentTarget.value)}
          >
            <option value="">All sources</option>
            {sources.map((s) => (
              <option key={s.id} value={String(s.id)}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {problem && <p class="error-text">{problem}</p>}
      {!data && !problem && <p class="loading">Loading…</p>}
      {data && summary && (
        <>
          <dl class="summary">
            <div>
              <dt>Arrivals, last 3 days</dt>
              <dd>{summary.arrivals}</dd>
            </div>
            <div>
              <dt>Answered within {duration(data.target_answer_seconds)}</dt>
              <dd>{summary.serviceLevel === null ? '—' : wholePercent(summary.serviceLevel)}</dd>
            </div>
            <div>
              <dt>Wait p90, worst hour</dt>
              <dd>{summary.worstWaitP90 === null ? '—' : duration(summary.worstWaitP90)}</dd>
            </div>
            <div>
              <dt>Longest wait</dt>
              <dd>{summary.longestWait === null ? '—' : duration(summary.longestWait)}</dd>
            </div>
          </dl>
          {summary.arrivals === 0 ? (
            <p class="empty">No arrivals in the last 3 days.</p>
          ) : (
            <Chart buckets={data.buckets} />
          )}
        </>
      )}
    </section>
  );
}

function Chart({ buckets }: { buckets: ServiceLevelBucketDto[] }) {
  const [active, setActive] = useState<number | null>(null);
  const top = niceCeiling(Math.max(...buckets.map((b) => b.arrivals)));
  const slot = PLOT_W / Math.max(buckets.length, 1);
  const bar = Math.max(slot - 2, 1);
  const x = (i: number) => LEFT + i * slot;
  const yArrivals = (n: number) => TOP + PLOT_H - (n / top) * PLOT_H;
  const yLevel = (share: number) => TOP + PLOT_H - share * PLOT_H;

  // The line breaks where an hour had no arrivals (no service level to draw).
  const segments: string[][] = [];
  let current: string[] = [];
  buckets.forEach((b, i) => {
    if (b.service_level === null) {
      if (current.length > 0) segments.push(current);
      current = [];
    } else current.push(`${x(i) + slot / 2},${yLevel(b.service_level)}`);
  });
  if (current.length > 0) segments.push(current);

  return (
    <figure class="chart sl-chart">
      <figcaption class="legend">
        <span class="swatch actual" aria-hidden="true" /> arrivals per hour{' '}
        <span class="swatch level" aria-hidden="true" /> service level (answered in time), 0–100% ·
        times in your zone
      </figcaption>
      <p class="chart-readout" aria-hidden="true">
        {active === null
          ? 'Point at or focus an hour for its figures.'
          : bucketText(buckets[active])}
      </p>
      <svg
        role="group"
        aria-label="Arrivals and service level per hour"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        preserveAspectRatio="xMinYMin meet"
        onMouseLeave={() => setActive(null)}
      >
        {[0, 0.5, 1].map((f) => (
          <g key={f} aria-hidden="true">
            <line class="grid-line" x1={LEFT} x2={LEFT + PLOT_W} y1={yLevel(f)} y2={yLevel(f)} />
            <text class="chart-value" x={LEFT - 6} y={yLevel(f) + 4} text-anchor="end">
              {Number.isInteger(top * f) ? top * f : ''}
            </text>
            <text class="chart-value" x={LEFT + PLOT_W + 6} y={yLevel(f) + 4}>
              {f * 100}%
            </text>
          </g>
        ))}
        <g aria-hidden="true">
          <text
            class="chart-label"
            transform={`translate(12 ${TOP + PLOT_H / 2}) rotate(-90)`}
            text-anchor="middle"
          >
            Arrivals
          </text>
          <text
            class="chart-label"
            transform={`translate(${WIDTH - 8} ${TOP + PLOT_H / 2}) rotate(-90)`}
            text-anchor="middle"
          >
            Service level
          </text>
          {buckets.map((b, i) => {
            const hour = new Date(b.start).getHours();
            if (hour !== 0 && hour !== 12) return null;
            return (
              <g key={b.start}>
                <line class="tick" x1={x(i)} x2={x(i)} y1={TOP + PLOT_H} y2={TOP + PLOT_H + 4} />
                <text class="chart-value" x={x(i)} y={TOP + PLOT_H + 16} text-anchor="middle">
                  {hour === 0 ? hourLabel(b.start).slice(0, 3) : '12:00'}
                </text>
              </g>
            );
          })}
          <text class="chart-label" x={LEFT + PLOT_W / 2} y={HEIGHT - 4} text-anchor="middle">
            Hour
          </text>
        </g>
        {segments.map((points, i) =>
          points.length > 1 ? (
            <polyline key={i} class="level-line" points={points.join(' ')} aria-hidden="true" />
          ) : null,
        )}
        {buckets.map((b, i) => {
          const text = bucketText(b);
          const focusable = b.arrivals > 0;
          return (
            <g
              key={b.start}
              class={`bucket${active === i ? ' active' : ''}`}
              role={focusable ? 'img' : undefined}
              aria-label={focusable ? text : undefined}
              aria-hidden={focusable ? undefined : 'true'}
              tabIndex={focusable ? 0 : undefined}
              onMouseEnter={() => setActive(i)}
              onFocus={() => setActive(i)}
              onBlur={() => setActive((a) => (a === i ? null : a))}
            >
              <title>{text}</title>
              <rect class="hit" x={x(i)} y={TOP} width={slot} height={PLOT_H} />
              {b.arrivals > 0 && (
                <rect
                  class="actual"
                  x={x(i) + (slot - bar) / 2}
                  y={yArrivals(b.arrivals)}
                  width={bar}
                  height={TOP + PLOT_H - yArrivals(b.arrivals)}
                />
              )}
              {b.service_level !== null && (
                <circle
                  class="level-point"
                  cx={x(i) + slot / 2}
                  cy={yLevel(b.service_level)}
                  r={3}
                />
              )}
            </g>
          );
        })}
        <line class="axis" x1={LEFT} x2={LEFT + PLOT_W} y1={TOP + PLOT_H} y2={TOP + PLOT_H} />
      </svg>
    </figure>
  );
}
