import { useState } from 'preact/hooks';
import {
  get,
  post,
  type Actor,
  type Plan,
  type PlanStep,
  type ProtocolDetail,
  type ProtocolSummary,
} from '../api';
import { Badge, Empty, ErrorLine, Panel } from '../components/ui';
import { duration, quantity, time } from '../format';
import { usePoll } from '../hooks';
import { SubmitRun } from './runs';

interface Problem {
  pointer: string;
  message: string;
}

function PlanPreview(props: { plan: Plan }) {
  const { plan } = props;
  const rows: { step: PlanStep; depth: number }[] = [];
  const walk = (steps: PlanStep[], depth: number) => {
    for (const s of steps) {
      rows.push({ step: s, depth });
      if (s.children) walk(s.children, depth + 1);
    }
  };
  walk(plan.steps, 0);
  return (
    <div data-testid="plan-preview">
      <dl class="facts">
        <dt>Estimated duration</dt>
        <dd>{duration(plan.totalDurationS)} (lab time)</dd>
        <dt>Dose per sample</dt>
        <dd>
          {quantity(plan.dosePerSample)}{' '}
          {plan.requiresApproval && (
            <Badge state="proposed" label="above the approval limit: a safety officer submits it" />
          )}
        </dd>
        <dt>Time windows</dt>
        <dd>{plan.timeWindows.length}</dd>
        <dt>Plan hash</dt>
        <dd class="mono">{plan.hash.slice(0, 16)}…</dd>
      </dl>
      <table>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Type</th>
            <th scope="col">Start</th>
            <th scope="col">Duration</th>
            <th scope="col">Station / devices</th>
            <th scope="col">Dose</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ step, depth }) => (
            <tr>
              <td style={{ paddingLeft: `${0.5 + depth * 1.2}em` }}>{step.title ?? step.key}</td>
              <td>{step.type}</td>
              <td>+{duration(step.startOffsetS)}</td>
              <td>{duration(step.estimatedDurationS)}</td>
              <td>{[step.station, ...step.devices].filter(Boolean).join(' · ') || '–'}</td>
              <td>{step.dose ? quantity(step.dose) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Validator(props: { actor: Actor; onSaved: (id: string) => void }) {
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ valid: boolean; problems: Problem[]; plan: Plan | null }>();
  const [error, setError] = useState('');
  const parse = (): unknown => {
    try {
      return JSON.parse(text);
    } catch (e) {
      setError(`not JSON: ${(e as Error).message}`);
      return undefined;
    }
  };
  const validate = () => {
    setError('');
    const doc = parse();
    if (doc === undefined) return;
    post<{ valid: boolean; problems: Problem[]; plan: Plan | null }>('/api/protocols/validate', doc).then(
      setResult,
      (e: Error) => setError(e.message),
    );
  };
  const save = () => {
    const doc = parse();
    if (doc === undefined) return;
    post<{ id: string }>('/api/protocols', doc).then(
      (r) => props.onSaved(r.id),
      (e: Error) => setError(e.message),
    );
  };
  return (
    <Panel title="Validate a protocol" id="validate">
      <label for="protocol-json">Protocol JSON</label>
      <textarea
        id="protocol-json"
        rows={8}
        value={text}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
      />
      <div class="actions">
        <button onClick={validate} disabled={!text.trim()}>
          Validate and plan
        </button>
        {['scientist', 'safety-officer', 'admin'].includes(props.actor.role) && (
          <button onClick={save} disabled={!result?.valid}>
            Save to library
          </button>
        )}
      </div>
      {error && <p class="error">{error}</p>}
      {result && !result.valid && (
        <ul class="problems" aria-label="validation problems">
          {result.problems.map((p) => (
            <li>
              <code>{p.pointer || '/'}</code> {p.message}
            </li>
          ))}
        </ul>
      )}
      {result?.valid && result.plan && (
        <>
          <p>
            <Badge state="ok" label="valid" /> compiled against this lab's inventory and safety limits.
          </p>
          <PlanPreview plan={result.plan} />
        </>
      )}
    </Panel>
  );
}

function ProtocolDetailPanel(props: { actor: Actor; id: string }) {
  const p = usePoll(() => get<ProtocolDetail>(`/api/protocols/${encodeURIComponent(props.id)}`), 0, [
    props.id,
  ]);
  const [error, setError] = useState('');
  if (!p.data) return p.error ? <ErrorLine error={p.error} /> : <p class="loading">Loading protocol…</p>;
  const d = p.data;
  const approve = () =>
    void post(`/api/protocols/${encodeURIComponent(d.id)}/approve`, { version: d.version }).then(
      () => p.reload(),
      (e: Error) => setError(e.message),
    );
  return (
    <Panel title={`${d.plan.protocol.title} (v${d.version})`} id="protocol">
      <p>
        {d.approvedBy ? (
          <Badge state="ok" label={`approved by ${d.approvedBy} ${time(d.approvedAt)}`} />
        ) : (
          <Badge state="proposed" label="not approved" />
        )}{' '}
        <span class="sub">written by {d.createdBy ?? 'unknown'}</span>
        {!d.approvedBy && ['safety-officer', 'admin'].includes(props.actor.role) && (
          <button onClick={approve}>Approve (two-person rule)</button>
        )}
      </p>
      {error && <p class="error">{error}</p>}
      <SubmitRun actor={props.actor} protocolId={d.id} />
      <h3>Plan preview</h3>
      <PlanPreview plan={d.plan} />
    </Panel>
  );
}

export function ProtocolsView(props: { actor: Actor; id?: string }) {
  const list = usePoll(() => get<ProtocolSummary[]>('/api/protocols'), 0, [props.id]);
  return (
    <div class="grid">
      <Panel title="Protocol library" id="library">
        <ErrorLine error={list.error} />
        {list.data && !list.data.length && <Empty>No protocol stored yet.</Empty>}
        <ul class="links">
          {(list.data ?? []).map((p) => (
            <li key={p.id}>
              <a href={`#/protocols/${p.id}`} aria-current={props.id === p.id ? 'page' : undefined}>
                {p.title}
              </a>{' '}
              <span class="sub">
                {p.id} v{p.version}
              </span>{' '}
              {p.approvedBy ? (
                <Badge state="ok" label="approved" />
              ) : (
                <Badge state="proposed" label="unapproved" />
              )}
            </li>
          ))}
        </ul>
      </Panel>
      {props.id && <ProtocolDetailPanel actor={props.actor} id={props.id} />}
      <Validator actor={props.actor} onSaved={(id) => (location.hash = `#/protocols/${id}`)} />
    </div>
  );
}
