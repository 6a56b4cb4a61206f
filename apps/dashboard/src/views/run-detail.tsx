import { useMemo, useState } from 'preact/hooks';
import { get, post, type Actor, type LabInfo, type RunDetail, type TimeWindow } from '../api';
import { LineChart } from '../components/chart';
import { PromptsPanel } from '../components/prompts';
import { Badge, Empty, ErrorLine, Panel } from '../components/ui';
import { duration, num, quantity, time } from '../format';
import { useNow, usePoll } from '../hooks';
import { useLive } from '../live';

interface DoseRecord {
  sampleId: string;
  stepKey: string;
  plannedKGy: number;
  deliveredKGy: number;
  doseRateKGyPerH: number | null;
  position: string | null;
  actualExposureMs: number | null;
  atmosphere: string | null;
  temperatureC: number | null;
}

const TERMINAL = ['completed', 'failed', 'aborted'];
const MAY_CONTROL = ['scientist', 'operator', 'safety-officer', 'admin'];

/** When a step event happened, from the journal transitions (wall clock). */
function eventAt(run: RunDetail, step: string, event: 'start' | 'end'): number | undefined {
  const s = run.steps.find((x) => x.key === step);
  const at = event === 'start' ? s?.startedAt : s?.finishedAt;
  return at ? Date.parse(at) : undefined;
}

function WindowRow(props: { run: RunDetail; w: TimeWindow; speed: number; now: number }) {
  const { run, w, speed, now } = props;
  const opened = eventAt(run, w.from.step, w.from.event);
  const closed = eventAt(run, w.to.step, w.to.event);
  let status = 'not started';
  let state = 'planned';
  let remaining: number | undefined;
  if (opened !== undefined) {
    const labElapsed = (((closed ?? now) - opened) / 1000) * speed;
    if (w.maxS !== undefined) remaining = w.maxS - labElapsed;
    if (closed !== undefined) {
      const ok =
        (w.maxS === undefined || labElapsed <= w.maxS) && (w.minS === undefined || labElapsed >= w.minS);
      status = `${ok ? 'met' : 'violated'} after ${duration(labElapsed)}`;
      state = ok ? 'confirmed' : 'failed';
    } else if (remaining !== undefined) {
      status = remaining >= 0 ? `${duration(remaining)} left` : `over by ${duration(-remaining)}`;
      state = remaining >= 0 ? 'running' : 'failed';
    } else status = `open for ${duration(labElapsed)}`;
  }
  return (
    <tr data-window={w.pointer}>
      <td>
        {w.from.step} {w.from.event} → {w.to.step} {w.to.event}
      </td>
      <td>
        {w.minS !== undefined ? `≥ ${duration(w.minS)} ` : ''}
        {w.maxS !== undefined ? `≤ ${duration(w.maxS)}` : ''}
      </td>
      <td>{w.onViolation}</td>
      <td>
        <Badge state={state} label={status} />
        {remaining !== undefined && closed === undefined && speed !== 1 && (
          <div class="sub">wall: {duration(remaining / speed)}</div>
        )}
      </td>
    </tr>
  );
}

export function RunDetailView(props: { actor: Actor; id: string }) {
  const live = useLive();
  const now = useNow(1000);
  const run = usePoll(() => get<RunDetail>(`/api/runs/${encodeURIComponent(props.id)}`), 2000, [
    props.id,
    live.estops.length,
  ]);
  const lab = usePoll(() => get<LabInfo>('/api/lab'), 0);
  const r = run.data;
  // The plan the run executes, as admission stored it (its parameters, its station), not the protocol's defaults.
  const plan = { data: r?.plan ?? undefined };
  const dose = usePoll(() => get<DoseRecord[]>(`/api/runs/${encodeURIComponent(props.id)}/dose`), 4000, [
    props.id,
  ]);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');

  const temps = useMemo(() => {
    const readings = (r?.steps ?? [])
      .flatMap((s) => s.readings)
      .filter((x) => /temp/i.test(x.name) || x.unit === '°C' || x.unit === 'K')
      .map((x) => ({
        t: Date.parse(x.at) / 1000,
        v: x.unit === 'K' ? x.value - 273.15 : x.value,
        name: x.name,
      }))
      .sort((a, b) => a.t - b.t);
    const names = [...new Set(readings.map((x) => x.name))];
    const xs = [...new Set(readings.map((x) => x.t))];
    const colors = ['#f0883e', '#58a6ff', '#3fb950', '#d2a8ff'];
    return {
      x: xs,
      series: names.map((name, i) => ({
        label: name,
        color: colors[i % colors.length],
        values: xs.map((t) => readings.find((x) => x.t === t && x.name === name)?.v ?? null),
      })),
    };
  }, [r]);

  if (run.error && !r) return <ErrorLine error={run.error} />;
  if (!r) return <p class="loading">Loading run…</p>;

  const control = (action: 'pause' | 'resume' | 'abort') =>
    void post(
      `/api/runs/${encodeURIComponent(r.id)}/${action}`,
      action === 'resume' ? {} : reason ? { reason } : {},
    ).then(
      () => run.reload(),
      (e: Error) => setError(e.message),
    );
  const done = r.steps.filter((s) => s.state === 'confirmed').length;
  const readings = r.steps.flatMap((s) => s.readings.map((x) => ({ ...x, step: s.key })));
  const speed = lab.data?.clockSpeed ?? 1;
  const irradiations = (plan.data?.steps ?? []).filter((s) => s.type === 'irradiate');
  return (
    <div class="grid">
      <Panel
        title={`Run ${r.id}`}
        id="run"
        actions={
          MAY_CONTROL.includes(props.actor.role) && !TERMINAL.includes(r.state) ? (
            <div class="actions">
              <input
                aria-label="reason"
                placeholder="reason (audit trail)"
                value={reason}
                onInput={(e) => setReason((e.target as HTMLInputElement).value)}
              />
              {['queued', 'running'].includes(r.state) && (
                <button onClick={() => control('pause')}>Pause</button>
              )}
              {['paused', 'waiting-operator'].includes(r.state) && (
                <button onClick={() => control('resume')}>Resume</button>
              )}
              <button class="danger" onClick={() => control('abort')}>
                Abort
              </button>
            </div>
          ) : undefined
        }
      >
        <p class="run-head">
          <Badge state={r.state} /> <span data-testid="run-state">{r.state}</span>
          {r.reason && <span class="sub"> — {r.reason}</span>}
        </p>
        <dl class="facts">
          <dt>Protocol</dt>
          <dd>
            <a href={`#/protocols/${r.protocol.id}`}>{r.protocol.id}</a> v{r.protocol.version}
          </dd>
          <dt>Station</dt>
          <dd>{r.station ?? '–'}</dd>
          <dt>Progress</dt>
          <dd>
            <progress max={r.steps.length || 1} value={done} aria-label="steps done" /> {done} /{' '}
            {r.steps.length} steps
          </dd>
          <dt>Submitted / started / finished</dt>
          <dd>
            {time(r.createdAt)} / {time(r.startedAt)} / {time(r.finishedAt)}
          </dd>
          <dt>Samples</dt>
          <dd>{r.samples.join(', ') || '–'}</dd>
        </dl>
        {error && <p class="error">{error}</p>}
        {Object.keys(r.results).length > 0 && (
          <table class="results" aria-label="results">
            <tbody>
              {Object.entries(r.results).map(([name, v]) => (
                <tr>
                  <th scope="row">{name}</th>
                  <td data-result={name}>
                    {num(v.value, 4)} {v.unit ?? ''}
                    {v.uncertainty !== null ? ` ± ${num(v.uncertainty, 2)}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <PromptsPanel runId={r.id} />
      <Panel title="Step timeline" id="steps">
        <ol class="timeline">
          {r.steps.map((s) => {
            // A finished run's step without a single journal row needed no command (e.g. the sample was there).
            const state = TERMINAL.includes(r.state) && s.state === 'planned' ? 'not needed' : s.state;
            return (
              <li key={s.key} data-step={s.key} data-state={state} class={state}>
                <Badge state={state} /> <b>{s.title ?? s.key}</b> <span class="sub">({s.type})</span>
                <span class="sub">
                  {' '}
                  planned {duration(s.estimatedDurationS)} at +{duration(s.startOffsetS)}
                  {s.startedAt ? ` · started ${time(s.startedAt)}` : ''}
                  {s.finishedAt ? ` · done ${time(s.finishedAt)}` : ''}
                </span>
                {s.commands.some((c) => c.reason) && (
                  <div class="sub">
                    {s.commands
                      .filter((c) => c.reason)
                      .map((c) => `${c.key}: ${c.reason}`)
                      .join('; ')}
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      </Panel>
      <Panel title="Temperature" id="temperature">
        {temps.x.length ? (
          <LineChart title="Temperature (°C, lab time)" x={temps.x} series={temps.series} yLabel="°C" />
        ) : (
          <Empty>No temperature reading yet.</Empty>
        )}
      </Panel>
      <Panel title="Time windows" id="windows">
        {!plan.data?.timeWindows.length && <Empty>This protocol has no time window.</Empty>}
        {speed !== 1 && !!plan.data?.timeWindows.length && (
          <p class="sub">
            Lab clock ×{speed}: gaps are wall-clock step times × {speed}, a coarse estimate; the engine
            enforces windows on the lab clock.
          </p>
        )}
        {!!plan.data?.timeWindows.length && (
          <table>
            <thead>
              <tr>
                <th scope="col">Between</th>
                <th scope="col">Limit</th>
                <th scope="col">On violation</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {plan.data.timeWindows.map((w) => (
                <WindowRow run={r} w={w} speed={speed} now={now} />
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title="Dose ledger" id="dose">
        {!irradiations.length && <Empty>No irradiation in this protocol.</Empty>}
        {irradiations.map((s) => (
          <p class="sub" data-planned-dose={s.key}>
            {s.key}: planned {quantity(s.dose)} at {quantity(s.doseRate)}
            {s.exposureS ? `, exposure ${duration(s.exposureS)}` : ''}
          </p>
        ))}
        {!!dose.data?.length && (
          <table>
            <thead>
              <tr>
                <th scope="col">Sample</th>
                <th scope="col">Step</th>
                <th scope="col">Planned kGy</th>
                <th scope="col">Delivered kGy</th>
                <th scope="col">Rate kGy/h</th>
                <th scope="col">Exposure</th>
                <th scope="col">Position</th>
                <th scope="col">Atmosphere</th>
              </tr>
            </thead>
            <tbody>
              {dose.data.map((d) => (
                <tr>
                  <td>{d.sampleId}</td>
                  <td>{d.stepKey}</td>
                  <td>{num(d.plannedKGy, 4)}</td>
                  <td>{num(d.deliveredKGy, 4)}</td>
                  <td>{d.doseRateKGyPerH === null ? '–' : num(d.doseRateKGyPerH, 3)}</td>
                  <td>{d.actualExposureMs === null ? '–' : duration(d.actualExposureMs / 1000)}</td>
                  <td>{d.position ?? '–'}</td>
                  <td>{d.atmosphere ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title={`Readings (${readings.length})`} id="readings">
        {!readings.length && <Empty>No reading yet.</Empty>}
        {!!readings.length && (
          <table>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
                <th scope="col">Sample</th>
                <th scope="col">Device</th>
              </tr>
            </thead>
            <tbody>
              {readings.slice(-200).map((x) => (
                <tr>
                  <td>{x.step}</td>
                  <td>{x.name}</td>
                  <td>
                    {num(x.value, 5)} {x.unit ?? ''}
                  </td>
                  <td>{x.sampleId ?? '–'}</td>
                  <td>{x.deviceId ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
