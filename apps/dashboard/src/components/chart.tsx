import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  color: string;
  /** y values aligned with `x`; null for gaps. */
  values: (number | null)[];
  dash?: number[];
}

/** A uPlot line chart (x in seconds since the epoch when `time`, else plain numbers). */
export function LineChart(props: {
  title: string;
  x: number[];
  series: Series[];
  yLabel: string;
  time?: boolean;
  height?: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    const opts: uPlot.Options = {
      title: props.title,
      width: Math.max(320, el.clientWidth || 600),
      height: props.height ?? 240,
      scales: { x: { time: props.time ?? true } },
      axes: [
        { stroke: '#c9d1d9', grid: { stroke: '#30363d' } },
        { label: props.yLabel, stroke: '#c9d1d9', grid: { stroke: '#30363d' } },
      ],
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          dash: s.dash,
          points: { show: props.x.length < 40 },
        })),
      ],
    };
    plot.current = new uPlot(opts, [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData, el);
    const resize = () =>
      plot.current?.setSize({ width: Math.max(320, el.clientWidth), height: props.height ?? 240 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.current?.destroy();
      plot.current = undefined;
    };
    // Recreated when the series set changes; data updates go through setData below.
  }, [props.title, props.series.map((s) => s.label).join('|')]);
  useEffect(() => {
    plot.current?.setData([props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData);
  }, [props.x, props.series]);
  return <div class="chart" ref={host} role="img" aria-label={`${props.title} chart`} />;
}
