import { num } from '../format';

const W = 560;
const H = 220;
const PAD = { left: 56, right: 16, top: 18, bottom: 36 };

function scale(lo: number, hi: number, a: number, b: number) {
  const span = hi - lo || Math.abs(hi) || 1;
  return (v: number) => a + ((v - lo) / span) * (b - a);
}

function ticks(lo: number, hi: number, n = 4): number[] {
  return Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n);
}

export interface IntervalPoint {
  label: string;
  mean: number;
  sd: number;
}

/**
 * Predicted mean ± sd per proposal against the target's bounds: one whisker per proposal (rank on x), the bounds
 * as dashed lines. Points whose interval lies inside the bounds are green, across a bound amber, outside red.
 */
export function IntervalChart(props: {
  title: string;
  unit: string;
  points: IntervalPoint[];
  min?: number;
  max?: number;
}) {
  const values = props.points.flatMap((p) => [p.mean - p.sd, p.mean + p.sd]);
  if (props.min !== undefined) values.push(props.min);
  if (props.max !== undefined) values.push(props.max);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const margin = (hi - lo) * 0.08 || 1;
  const y = scale(lo - margin, hi + margin, H - PAD.bottom, PAD.top);
  const x = (i: number) => PAD.left + ((i + 0.5) / props.points.length) * (W - PAD.left - PAD.right);
  const verdict = (p: IntervalPoint) => {
    const inside = (v: number) =>
      (props.min === undefined || v >= props.min) && (props.max === undefined || v <= props.max);
    if (inside(p.mean - p.sd) && inside(p.mean + p.sd)) return 'meets';
    return inside(p.mean) ? 'close' : 'misses';
  };
  const color = { meets: '#3fb950', close: '#d29922', misses: '#f85149' };
  return (
    <figure class="mi-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${props.title}: predicted mean ± sd per proposal against the target`}
        data-chart="interval"
      >
        <text x={PAD.left} y={12} class="chart-title">
          {props.title}
        </text>
        {ticks(lo - margin, hi + margin).map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} class="grid-line" />
            <text x={PAD.left - 6} y={y(t) + 4} text-anchor="end" class="tick">
              {num(t, 3)}
            </text>
          </g>
        ))}
        {(['min', 'max'] as const).map((k) =>
          props[k] === undefined ? null : (
            <g key={k} data-bound={k}>
              <line x1={PAD.left} x2={W - PAD.right} y1={y(props[k]!)} y2={y(props[k]!)} class="bound" />
              <text x={W - PAD.right} y={y(props[k]!) - 4} text-anchor="end" class="tick">
                {k} {num(props[k], 4)} {props.unit}
              </text>
            </g>
          ),
        )}
        {props.points.map((p, i) => {
          const v = verdict(p);
          return (
            <g key={p.label} data-point={p.label} data-verdict={v}>
              <title>{`${p.label}: ${num(p.mean, 4)} ± ${num(p.sd, 2)} ${props.unit}`}</title>
              <line
                x1={x(i)}
                x2={x(i)}
                y1={y(p.mean - p.sd)}
                y2={y(p.mean + p.sd)}
                stroke={color[v]}
                stroke-width={2}
              />
              <circle cx={x(i)} cy={y(p.mean)} r={4} fill={color[v]} />
              <text x={x(i)} y={H - PAD.bottom + 16} text-anchor="middle" class="tick">
                {i + 1}
              </text>
            </g>
          );
        })}
        <text x={(W + PAD.left) / 2} y={H - 4} text-anchor="middle" class="tick">
          proposal rank
        </text>
      </svg>
    </figure>
  );
}

export interface FrontPoint {
  id: string;
  x: number;
  y: number;
  onFront: boolean;
  violates: string[];
}

/**
 * Two objectives of a campaign: every measured experiment, the Pareto front of those meeting every constraint
 * joined by a line, and the experiments breaking a constraint drawn as red crosses.
 */
export function ParetoChart(props: {
  xLabel: string;
  yLabel: string;
  xDirection: 'max' | 'min';
  yDirection: 'max' | 'min';
  points: FrontPoint[];
}) {
  const xs = props.points.map((p) => p.x);
  const ys = props.points.map((p) => p.y);
  const pad = (lo: number, hi: number) => (hi - lo) * 0.08 || 1;
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const x = scale(x0 - pad(x0, x1), x1 + pad(x0, x1), PAD.left, W - PAD.right);
  const y = scale(y0 - pad(y0, y1), y1 + pad(y0, y1), H - PAD.bottom, PAD.top);
  const front = props.points.filter((p) => p.onFront).sort((a, b) => a.x - b.x);
  return (
    <figure class="mi-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Pareto front: ${props.yLabel} against ${props.xLabel}`}
        data-chart="pareto"
      >
        {ticks(y0 - pad(y0, y1), y1 + pad(y0, y1)).map((t) => (
          <g key={`y${t}`}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} class="grid-line" />
            <text x={PAD.left - 6} y={y(t) + 4} text-anchor="end" class="tick">
              {num(t, 3)}
            </text>
          </g>
        ))}
        {ticks(x0 - pad(x0, x1), x1 + pad(x0, x1)).map((t) => (
          <text key={`x${t}`} x={x(t)} y={H - PAD.bottom + 16} text-anchor="middle" class="tick">
            {num(t, 3)}
          </text>
        ))}
        {front.length > 1 && (
          <polyline points={front.map((p) => `${x(p.x)},${y(p.y)}`).join(' ')} class="front-line" />
        )}
        {props.points.map((p) =>
          p.violates.length ? (
            <g key={p.id} data-experiment={p.id} data-violates={p.violates.join(',')}>
              <title>{`${p.id}: breaks ${p.violates.join(', ')}`}</title>
              <path
                d={`M${x(p.x) - 5},${y(p.y) - 5} L${x(p.x) + 5},${y(p.y) + 5} M${x(p.x) - 5},${y(p.y) + 5} L${x(p.x) + 5},${y(p.y) - 5}`}
                stroke="#f85149"
                stroke-width={2}
              />
            </g>
          ) : (
            <g key={p.id} data-experiment={p.id} data-front={p.onFront ? 'yes' : 'no'}>
              <title>{`${p.id}${p.onFront ? ': on the front' : ''}`}</title>
              <circle
                cx={x(p.x)}
                cy={y(p.y)}
                r={p.onFront ? 5 : 3.5}
                fill={p.onFront ? '#3fb950' : '#8b949e'}
              />
            </g>
          ),
        )}
        <text x={(W + PAD.left) / 2} y={H - 4} text-anchor="middle" class="tick">
          {props.xLabel} ({props.xDirection === 'max' ? 'more is better' : 'less is better'})
        </text>
        <text x={12} y={PAD.top - 4} class="tick">
          {props.yLabel} ({props.yDirection === 'max' ? 'more is better' : 'less is better'})
        </text>
      </svg>
    </figure>
  );
}
