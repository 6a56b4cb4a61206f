import { useState } from 'preact/hooks';
import { ApiError, get, post, type Actor } from '../api';
import { LineChart } from '../components/chart';
import { ParetoChart } from '../components/mi-charts';
import { Badge, Empty, ErrorLine, Panel } from '../components/ui';
import { num, time } from '../format';
import { usePoll } from '../hooks';

interface Suggestion {
  id: string;
  batch: number;
  experiment: number | null;
  state: string;
  params: Record<string, unknown>;
  acquisitionValue: number | null;
  approvedBy: string | null;
  reason: string | null;
  needsApproval?: string[];
  run: { id: string; state: string } | null;
  result: { outputs: Record<string, number>; uncertainty: Record<string, number>; score: number } | null;
  createdAt: string;
}
interface Campaign {
  id: string;
  name: string | null;
  state: string;
  createdAt: string;
  protocol?: { id: string; version: number };
  settings?: {
    objective?: unknown;
    budget?: number;
    prior?: string | { campaigns?: string[]; systems?: { basePolymer: string; monomer: string }[] };
    origin?: { miModelVersion: string; proposal?: { rank?: number } };
  };
  progress?: {
    experiments: number;
    budget: number;
    completed: number;
    awaitingApproval: number;
    failed: number;
  };
  best: Suggestion | null;
  stopReason?: string | null;
  suggestions?: Suggestion[];
  pareto?: ParetoView | null;
}
interface ParetoView {
  objectives: { name: string; direction: 'max' | 'min'; kind: string }[];
  constraints: { name: string; min?: number; max?: number }[];
  points: {
    suggestionId: string;
    experiment: number | null;
    values: Record<string, number>;
    onFront: boolean;
    violates: string[];
  }[];
}

const MAY_APPROVE = ['scientist', 'safety-officer', 'admin'];

function Unavailable(props: { error: Error | undefined }) {
  if (props.error instanceof ApiError && props.error.status === 404)
    return (
      <Empty>
        The campaign service is not available on this API (404): campaigns appear here once it is deployed.
      </Empty>
    );
  return <ErrorLine error={props.error} />;
}

function objectiveText(objective: unknown): string {
  if (!objective || typeof objective !== 'object') return '–';
  return Object.entries(objective as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

function CampaignDetail(props: { actor: Actor; id: string }) {
  const c = usePoll(() => get<Campaign>(`/api/campaigns/${encodeURIComponent(props.id)}`), 3000, [props.id]);
  const [error, setError] = useState('');
  if (!c.data) return c.error ? <Unavailable error={c.error} /> : <p class="loading">Loading campaign…</p>;
  const campaign = c.data;
  const suggestions = campaign.suggestions ?? [];
  const scored = suggestions
    .filter((s) => s.result)
    .sort((a, b) => (a.experiment ?? 0) - (b.experiment ?? 0));
  let best = -Infinity;
  const bestSoFar = scored.map((s) => (best = Math.max(best, s.result!.score)));
  const proposals = suggestions.filter((s) => s.state === 'proposed');
  const decide = (s: Suggestion, verdict: 'approve' | 'reject') => {
    const reason =
      verdict === 'reject' ? (window.prompt('Why reject this proposal? (audit trail)') ?? '') : '';
    if (verdict === 'reject' && !reason) return;
    post(
      `/api/campaigns/${encodeURIComponent(campaign.id)}/suggestions/${encodeURIComponent(s.id)}/${verdict}`,
      reason ? { reason } : {},
    ).then(
      () => c.reload(),
      (e: Error) => setError(e.message),
    );
  };
  return (
    <>
      <Panel title={`Campaign ${campaign.name ?? campaign.id}`} id="campaign">
        <p>
          <Badge state={campaign.state} /> {campaign.stopReason ?? ''}
        </p>
        <dl class="facts">
          <dt>Objective</dt>
          <dd>{objectiveText(campaign.settings?.objective)}</dd>
          <dt>Prior</dt>
          <dd data-testid="prior">
            {priorText(campaign.settings?.prior)}
            {campaign.settings?.origin
              ? ` · from proposal #${campaign.settings.origin.proposal?.rank ?? '?'} of MI model ${campaign.settings.origin.miModelVersion}`
              : ''}
          </dd>
          <dt>Protocol</dt>
          <dd>{campaign.protocol ? `${campaign.protocol.id} v${campaign.protocol.version}` : '–'}</dd>
          <dt>Progress</dt>
          <dd>
            {campaign.progress
              ? `${campaign.progress.completed} done, ${campaign.progress.failed} failed, ${campaign.progress.awaitingApproval} awaiting approval, budget ${campaign.progress.budget}`
              : '–'}
          </dd>
          <dt>Best so far</dt>
          <dd data-testid="best">
            {campaign.best?.result
              ? `experiment ${campaign.best.experiment ?? '?'}: score ${num(campaign.best.result.score, 4)} (${Object.entries(
                  campaign.best.result.outputs,
                )
                  .map(([k, v]) => `${k} ${num(v, 4)}`)
                  .join(', ')})`
              : 'no result yet'}
          </dd>
        </dl>
        {scored.length > 0 && (
          <LineChart
            title="Objective against experiment"
            x={scored.map((s) => s.experiment ?? 0)}
            time={false}
            yLabel="score"
            series={[
              { label: 'score', color: '#58a6ff', values: scored.map((s) => s.result!.score) },
              { label: 'best so far', color: '#3fb950', values: bestSoFar, dash: [6, 4] },
            ]}
          />
        )}
      </Panel>
      {campaign.pareto && <ParetoPanel view={campaign.pareto} />}
      <Panel title={`Proposals waiting for approval (${proposals.length})`} id="proposals">
        {!proposals.length && <Empty>No proposal is waiting for a person.</Empty>}
        <ul class="prompts">
          {proposals.map((s) => (
            <li key={s.id} data-suggestion={s.id}>
              <div>
                <b>{s.id}</b>{' '}
                <span class="mono">
                  {Object.entries(s.params)
                    .map(([k, v]) => `${k}=${typeof v === 'number' ? num(v, 4) : String(v)}`)
                    .join(', ')}
                </span>
                {s.needsApproval?.length ? (
                  <div class="sub">needs approval: {s.needsApproval.join('; ')}</div>
                ) : null}
              </div>
              {MAY_APPROVE.includes(props.actor.role) && (
                <>
                  <button onClick={() => decide(s, 'approve')}>Approve</button>
                  <button class="danger" onClick={() => decide(s, 'reject')}>
                    Reject
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
        {error && <p class="error">{error}</p>}
      </Panel>
      <Panel title="Experiments" id="experiments">
        <table>
          <thead>
            <tr>
              <th scope="col">Suggestion</th>
              <th scope="col">State</th>
              <th scope="col">Parameters</th>
              <th scope="col">Run</th>
              <th scope="col">Score</th>
              <th scope="col">Approved by</th>
            </tr>
          </thead>
          <tbody>
            {suggestions.map((s) => (
              <tr key={s.id}>
                <td>{s.id}</td>
                <td>
                  <Badge state={s.state} />
                </td>
                <td class="mono">
                  {Object.entries(s.params)
                    .map(([k, v]) => `${k}=${typeof v === 'number' ? num(v, 3) : String(v)}`)
                    .join(', ')}
                </td>
                <td>{s.run ? <a href={`#/runs/${s.run.id}`}>{s.run.state}</a> : '–'}</td>
                <td>{s.result ? num(s.result.score, 4) : '–'}</td>
                <td>{s.approvedBy ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}

function boundsText(c: { name: string; min?: number; max?: number }): string {
  return `${c.name}${c.min !== undefined ? ` ≥ ${c.min}` : ''}${c.max !== undefined ? ` ≤ ${c.max}` : ''}`;
}

/** The measured Pareto front of a multi-objective campaign, constraint-breaking experiments marked. */
function ParetoPanel(props: { view: ParetoView }) {
  const v = props.view;
  const [a, b] = v.objectives;
  const points = v.points.filter((p) => a && p.values[a.name] !== undefined);
  const violating = points.filter((p) => p.violates.length);
  return (
    <Panel title="Pareto front" id="pareto">
      <p class="sub">
        Objectives: {v.objectives.map((o) => `${o.direction} ${o.name}`).join(', ') || '–'}; constraints:{' '}
        {v.constraints.map(boundsText).join(', ') || 'none'}. {points.filter((p) => p.onFront).length}{' '}
        experiment(s) on the front, <span data-testid="violations">{violating.length}</span> breaking a
        constraint.
      </p>
      {!points.length && <Empty>No measured experiment yet.</Empty>}
      {points.length > 0 && a && (
        <ParetoChart
          xLabel={b ? b.name : 'experiment'}
          xDirection={b ? b.direction : 'max'}
          yLabel={a.name}
          yDirection={a.direction}
          points={points.map((p) => ({
            id: p.suggestionId,
            x: b ? p.values[b.name] : (p.experiment ?? 0),
            y: p.values[a.name],
            onFront: p.onFront,
            violates: p.violates,
          }))}
        />
      )}
      {violating.length > 0 && (
        <ul class="sub">
          {violating.map((p) => (
            <li key={p.suggestionId}>
              {p.suggestionId} (experiment {p.experiment ?? '?'}) breaks {p.violates.join(', ')}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

export function CampaignsView(props: { actor: Actor; id?: string }) {
  const list = usePoll(() => get<Campaign[]>('/api/campaigns'), 5000);
  return (
    <div class="grid">
      <Panel title="Campaigns" id="campaigns">
        {list.error && <Unavailable error={list.error} />}
        {list.data && !list.data.length && <Empty>No campaign yet (graftlab campaign create).</Empty>}
        <ul class="links">
          {(list.data ?? []).map((c) => (
            <li key={c.id}>
              <a href={`#/campaigns/${c.id}`} aria-current={props.id === c.id ? 'page' : undefined}>
                {c.name ?? c.id}
              </a>{' '}
              <Badge state={c.state} /> <span class="sub">{time(c.createdAt)}</span>
            </li>
          ))}
        </ul>
      </Panel>
      {props.id && <CampaignDetail actor={props.actor} id={props.id} />}
    </div>
  );
}

/** The campaign's prior as a person reads it. */
function priorText(prior: NonNullable<Campaign['settings']>['prior']): string {
  if (prior === 'database') return 'the MI database (transfer model)';
  if (!prior || typeof prior === 'string') return 'none';
  const tasks = [
    ...(prior.campaigns ?? []).map((c) => `campaign ${c}`),
    ...(prior.systems ?? []).map((s) => `${s.basePolymer} + ${s.monomer}`),
  ];
  return `related tasks of the MI database (transfer model): ${tasks.join(', ')}`;
}
