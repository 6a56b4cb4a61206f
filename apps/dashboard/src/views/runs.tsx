import { useState } from 'preact/hooks';
import { get, post, type Actor, type LabInfo, type ProtocolSummary, type RunSummary } from '../api';
import { Gantt } from '../components/gantt';
import { Badge, Empty, ErrorLine, Panel } from '../components/ui';
import { time } from '../format';
import { usePoll } from '../hooks';
import { useLive } from '../live';

const MAY_SUBMIT = ['scientist', 'operator', 'safety-officer', 'admin'];

export function SubmitRun(props: { actor: Actor; protocolId?: string }) {
  const protocols = usePoll(() => get<ProtocolSummary[]>('/api/protocols'), 0);
  const [protocolId, setProtocolId] = useState(props.protocolId ?? '');
  const [priority, setPriority] = useState('0');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  if (!MAY_SUBMIT.includes(props.actor.role)) return null;
  const chosen = protocolId || protocols.data?.[0]?.id || '';
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    post<{ id: string }>('/api/runs', { protocolId: chosen, priority: Number(priority) || 0 }).then(
      (r) => {
        location.hash = `#/runs/${r.id}`;
      },
      (err: Error) => {
        setError(err.message);
        setBusy(false);
      },
    );
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-label="Submit a run">
      {!props.protocolId && (
        <label>
          Protocol{' '}
          <select value={chosen} onChange={(e) => setProtocolId((e.target as HTMLSelectElement).value)}>
            {(protocols.data ?? []).map((p) => (
              <option value={p.id}>
                {p.title} (v{p.version}){p.approvedBy ? ' ✓' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Priority{' '}
        <input
          type="number"
          min={-1000}
          max={1000}
          value={priority}
          onInput={(e) => setPriority((e.target as HTMLInputElement).value)}
          style={{ width: '6em' }}
        />
      </label>
      <button type="submit" disabled={busy || !chosen}>
        {busy ? 'Submitting…' : 'Submit run'}
      </button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

export function RunsView(props: { actor: Actor }) {
  const live = useLive();
  const runs = usePoll(() => get<RunSummary[]>('/api/runs'), 3000, [live.estops.length]);
  const lab = usePoll(() => get<LabInfo>('/api/lab'), 0);
  const list = runs.data ?? [];
  return (
    <div class="grid">
      <Panel title="Submit a run" id="submit">
        <SubmitRun actor={props.actor} />
      </Panel>
      <Panel title="Schedule (Gantt): steps per instrument" id="gantt">
        <Gantt runs={list} lab={lab.data} />
        <p class="legend">
          <span class="gantt-bar running" /> running <span class="gantt-bar confirmed" /> done{' '}
          <span class="gantt-bar planned" /> planned <span class="gantt-bar failed" /> failed
        </p>
      </Panel>
      <Panel title={`Run queue (${list.length})`} id="queue">
        <ErrorLine error={runs.error} />
        {!list.length && <Empty>No runs yet.</Empty>}
        {!!list.length && (
          <table>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">State</th>
                <th scope="col">Protocol</th>
                <th scope="col">Station</th>
                <th scope="col">Priority</th>
                <th scope="col">Submitted</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {list.map((r) => (
                <tr key={r.id} data-run={r.id} data-state={r.state}>
                  <th scope="row">
                    <a href={`#/runs/${r.id}`}>{r.id}</a>
                  </th>
                  <td>
                    <Badge state={r.state} />
                    {r.reason && <div class="sub">{r.reason}</div>}
                  </td>
                  <td>{r.protocolId}</td>
                  <td>{r.station ?? '–'}</td>
                  <td>{r.priority}</td>
                  <td>{time(r.createdAt)}</td>
                  <td>{time(r.startedAt)}</td>
                  <td>{time(r.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
