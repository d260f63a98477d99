import type { SourceStatsDto } from './api-types';
import { percent } from './format';

const ROW = 34;
const LABEL = 90;
const WIDTH = 360;
const BAR = WIDTH - LABEL - 56;

/** Per source: each operator's actual share of the assigned requests beside its expected share. */
export function Distribution({ stats }: { stats: SourceStatsDto[] }) {
  return (
    <section class="card" aria-labelledby="distribution-title">
      <h2 id="distribution-title">Distribution</h2>
      <p class="legend" aria-hidden="true">
        <span class="swatch actual" /> actual share <span class="swatch expected" /> expected
        (weight)
      </p>
      {stats.length === 0 && <p class="empty">No sources yet.</p>}
      <div class="charts">
        {stats.map((source) => (
          <SourceChart key={source.source_id} source={source} />
        ))}
      </div>
    </section>
  );
}

function SourceChart({ source }: { source: SourceStatsDto }) {
  const height = Math.max(source.operators.length, 1) * ROW + 8;
  const description = source.operators
    .map(
      (o) =>
        `${o.operator_name}: ${percent(o.share)} actual, ${percent(o.expected_share)} expected`,
    )
    .join('; ');
  return (
    <figure class="chart">
      <figcaption>
        <strong>{source.source_name}</strong>{' '}
        <span class="meta">
          {source.total_requests} requests · {source.unassigned_requests} unassigned ·{' '}
          {source.strategy}
        </span>
      </figcaption>
      {source.operators.length === 0 ? (
        <p class="empty">No operators configured.</p>
      ) : (
        <svg
          role="img"
          aria-label={`Distribution of ${source.source_name}: ${description}`}
          viewBox={`0 0 ${WIDTH} ${height}`}
          width="100%"
          preserveAspectRatio="xMinYMin meet"
        >
          {source.operators.map((o, i) => {
            const y = i * ROW + 4;
            return (
              <g key={o.operator_id}>
                <text x={0} y={y + 17} class="chart-label">
                  {o.operator_name.length > 14
                    ? `${o.operator_name.slice(0, 13)}…`
                    : o.operator_name}
                </text>
                <rect x={LABEL} y={y + 2} width={BAR} height={12} class="track" />
                <rect x={LABEL} y={y + 2} width={BAR * o.share} height={12} class="actual" />
                <rect
                  x={LABEL}
                  y={y + 17}
                  width={BAR * o.expected_share}
                  height={7}
                  class="expected"
                />
                <text x={LABEL + BAR + 6} y={y + 13} class="chart-value">
                  {percent(o.share)}
                </text>
                <text x={LABEL + BAR + 6} y={y + 25} class="chart-value muted">
                  {percent(o.expected_share)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}
