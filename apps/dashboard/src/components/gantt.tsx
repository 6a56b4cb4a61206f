import { get, type LabInfo, type PlanStep, type RunDetail, type RunSummary } from '../api';
import { duration, time } from '../format';
import { useNow, usePoll } from '../hooks';
import { Empty } from './ui';

interface Bar {
  runId: string;
  step: string;
  title: string;
  start: number;
  end: number;
  state: string;
  planned: boolean;
}

const devicesOf = (s: PlanStep): string[] => [
  ...new Set([...s.devices, ...(s.children ?? []).flatMap(devicesOf)]),
];

/**
 * Scheduled and running steps per instrument. Lab durations are divided by the clock speed (1 in a real lab) to
 * land on the wall clock; finished and running steps use their journal times, later ones their plan.
 */
async function scheduleBars(runs: RunSummary[], speed: number, now: number): Promise<Map<string, Bar[]>> {
  const rows = new Map<string, Bar[]>();
  const stationFree = new Map<string, number>();
  const ordered = [...runs].sort(
    (a, b) =>
      Number(b.state === 'running') - Number(a.state === 'running') || a.createdAt.localeCompare(b.createdAt),
  );
  for (const summary of ordered.slice(0, 12)) {
    const detail = await get<RunDetail>(`/api/runs/${encodeURIComponent(summary.id)}`).catch(() => undefined);
    if (!detail) continue;
    const plan = detail.plan; // stored with the run at admission
    if (!plan) continue;
    const station = detail.station ?? '?';
    const base = detail.startedAt
      ? Date.parse(detail.startedAt)
      : Math.max(now, stationFree.get(station) ?? now);
    for (const step of plan.steps) {
      const actual = detail.steps.find((s) => s.key === step.key);
      const plannedStart = base + (step.startOffsetS * 1000) / speed;
      const start = actual?.startedAt ? Date.parse(actual.startedAt) : plannedStart;
      let end = actual?.finishedAt
        ? Date.parse(actual.finishedAt)
        : start + (step.estimatedDurationS * 1000) / speed;
      if (actual?.state === 'running' && end < now) end = now;
      const devices = devicesOf(step);
      for (const device of devices.length ? devices : [`${station} (manual)`]) {
        const bar: Bar = {
          runId: detail.id,
          step: step.key,
          title: step.title ?? step.type,
          start,
          end: Math.max(end, start + 1),
          state: actual?.state ?? 'planned',
          planned: !actual?.startedAt,
        };
        rows.set(device, [...(rows.get(device) ?? []), bar]);
      }
    }
    stationFree.set(station, base + (plan.totalDurationS * 1000) / speed);
  }
  return rows;
}

export function Gantt(props: { runs: RunSummary[]; lab: LabInfo | undefined }) {
  const now = useNow(2000);
  const active = props.runs.filter((r) =>
    ['queued', 'running', 'paused', 'waiting-operator'].includes(r.state),
  );
  const key = active.map((r) => `${r.id}:${r.state}`).join(',');
  const speed = props.lab?.clockSpeed ?? 1;
  const bars = usePoll(() => scheduleBars(active, speed, Date.now()), 3000, [key, speed]);
  if (!active.length) return <Empty>No run is queued or running.</Empty>;
  const rows = [...(bars.data ?? new Map<string, Bar[]>()).entries()].sort(([a], [b]) => a.localeCompare(b));
  if (!rows.length) return <Empty>Loading schedule…</Empty>;
  const all = rows.flatMap(([, b]) => b);
  const from = Math.min(now, ...all.map((b) => b.start));
  const to = Math.max(now + 1000, ...all.map((b) => b.end));
  const pct = (t: number) => `${(((t - from) / (to - from)) * 100).toFixed(2)}%`;
  return (
    <div class="gantt" role="figure" aria-label="Schedule of steps per instrument">
      <div class="gantt-axis">
        <span>{time(from)}</span>
        <span>
          {duration((to - from) / 1000)} shown{speed !== 1 ? ` · lab clock ×${speed}` : ''}
        </span>
        <span>{time(to)}</span>
      </div>
      {rows.map(([device, list]) => (
        <div class="gantt-row" key={device}>
          <div class="gantt-label">{device}</div>
          <div class="gantt-track">
            <div class="gantt-now" style={{ left: pct(now) }} aria-hidden="true" />
            {list.map((b) => (
              <a
                href={`#/runs/${b.runId}`}
                class={`gantt-bar ${b.state} ${b.planned ? 'planned' : ''}`}
                style={{ left: pct(b.start), width: `max(3px, calc(${pct(b.end)} - ${pct(b.start)}))` }}
                title={`${b.title} (${b.step}) · run ${b.runId} · ${b.state} · ${time(b.start)}–${time(b.end)}`}
              >
                <span class="sr-only">
                  {b.step} {b.state}
                </span>
              </a>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
