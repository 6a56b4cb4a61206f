import { useState } from 'preact/hooks';
import { ApiError, type Actor } from '../api';
import { IntervalChart } from '../components/mi-charts';
import { Empty, Panel } from '../components/ui';
import { num } from '../format';

interface Prediction {
  property: string;
  unit: string;
  at?: number;
  min?: number;
  max?: number;
  mean: number;
  sd: number;
  probability: number;
}
interface Proposal {
  rank: number;
  basePolymer: string;
  monomers: { name: string; fraction: number }[];
  conditions: Record<string, number | string>;
  probability: number;
  predictions: Prediction[];
}
interface Ranking {
  modelVersion: string;
  trainingSize: {
    records: number;
    samples: number;
    bySource: { lab: number; history: number; literature: number };
    skipped: { sampleId: string; reason: string }[];
  };
  proposals: Proposal[];
}
interface Problem {
  pointer: string;
  message: string;
}

const EXAMPLE = JSON.stringify(
  {
    targets: [
      { property: 'IEC', min: 2, unit: 'mmol/g' },
      { property: 'water_uptake', max: 80, unit: '%' },
    ],
    candidates: { basePolymers: ['ETFE'], monomers: ['styrene', '4-vinylbenzyl chloride'] },
    top: 10,
  },
  null,
  2,
);

const MAY_START = ['scientist', 'safety-officer', 'admin'];

/** Problems of a refused request, with their pointers (the API's 422 body). */
async function send<T>(
  path: string,
  body: unknown,
): Promise<{ data?: T; problems?: Problem[]; error?: string }> {
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { accept: 'application/json', 'content-type': 'application/json', 'x-graftlab-request': '1' },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => undefined)) as
    (T & { problems?: Problem[]; message?: string }) | undefined;
  if (res.ok) return { data: json };
  if (json?.problems?.length) return { problems: json.problems };
  return { error: json?.message ?? `HTTP ${res.status}` };
}

function conditionsText(c: Record<string, number | string>): string {
  const parts = [
    c.method === 'simultaneous' ? 'simultaneous' : 'pre-irr.',
    `${num(c.doseKGy, 3)} kGy`,
    `${num(c.concentrationWtPct, 3)} wt%`,
    `${num(c.temperatureC, 3)} °C`,
    `${num(c.timeH, 3)} h`,
  ];
  if (c.storageH !== undefined) parts.push(`stored ${num(c.storageH, 3)} h`);
  return parts.join(', ');
}

/**
 * MI ranking (issue #15): a target spec in, base polymer × monomer × conditions proposals out, with the predicted
 * mean ± sd of each target property against its bounds; a chosen proposal becomes a campaign in one click.
 */
export function RankingView(props: { actor: Actor }) {
  const [spec, setSpec] = useState(EXAMPLE);
  const [ranking, setRanking] = useState<Ranking>();
  const [sent, setSent] = useState<unknown>();
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState('');

  const rank = async () => {
    setProblems([]);
    setError('');
    setStarted('');
    let body: unknown;
    try {
      body = JSON.parse(spec);
    } catch (e) {
      setError(`the spec is not JSON: ${(e as Error).message}`);
      return;
    }
    setBusy(true);
    const res = await send<Ranking>('/api/mi/rank', body).finally(() => setBusy(false));
    if (res.data) {
      setRanking(res.data);
      setSent(body);
    } else {
      setRanking(undefined);
      setProblems(res.problems ?? []);
      setError(res.error ?? '');
    }
  };

  const startCampaign = async (p: Proposal) => {
    setError('');
    setProblems([]);
    const res = await send<{ campaign: { id: string } }>('/api/mi/campaigns', {
      spec: sent,
      proposal: p.rank,
      modelVersion: ranking?.modelVersion,
    }).catch((e: ApiError) => ({ error: e.message }) as { error: string; problems?: Problem[] });
    if ('data' in res && res.data) {
      setStarted(res.data.campaign.id);
      location.hash = `#/campaigns/${encodeURIComponent(res.data.campaign.id)}`;
    } else {
      setProblems(res.problems ?? []);
      setError(res.error ?? '');
    }
  };

  const targets = ranking?.proposals[0]?.predictions ?? [];
  return (
    <div class="grid">
      <Panel title="Rank materials for a target" id="rank-spec">
        <label for="rank-spec-text">Spec: targets, candidates, optional condition ranges</label>
        <textarea
          id="rank-spec-text"
          class="spec"
          value={spec}
          onInput={(e) => setSpec((e.target as HTMLTextAreaElement).value)}
          spellcheck={false}
        />
        <p>
          <button onClick={() => void rank()} disabled={busy}>
            {busy ? 'Ranking… (the first ranking after new data trains the model)' : 'Rank'}
          </button>
        </p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {problems.length > 0 && (
          <ul class="error" role="alert" data-testid="problems">
            {problems.map((p) => (
              <li key={p.pointer + p.message}>
                <span class="mono">{p.pointer || '/'}</span>: {p.message}
              </li>
            ))}
          </ul>
        )}
        {started && <p>Campaign {started} started.</p>}
      </Panel>
      <Panel title="Proposals" id="experiments">
        {!ranking && <Empty>Rank a spec to see proposals.</Empty>}
        {ranking && (
          <>
            <p class="sub" data-testid="model">
              MI model <span class="mono">{ranking.modelVersion}</span>: {ranking.trainingSize.records} values
              from {ranking.trainingSize.samples} samples (lab {ranking.trainingSize.bySource.lab}, history{' '}
              {ranking.trainingSize.bySource.history}, literature {ranking.trainingSize.bySource.literature})
              {ranking.trainingSize.skipped.length
                ? `; ${ranking.trainingSize.skipped.length} values left out (${[
                    ...new Set(ranking.trainingSize.skipped.map((s) => s.reason.replace(/^[^:]*: /, ''))),
                  ]
                    .slice(0, 2)
                    .join('; ')})`
                : ''}
            </p>
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Base polymer</th>
                  <th scope="col">Monomer</th>
                  <th scope="col">P(all targets)</th>
                  <th scope="col">Conditions</th>
                  {targets.map((t) => (
                    <th scope="col" key={t.property}>
                      {t.property}
                      {t.at ? ` @${t.at} h` : ''} ({t.min !== undefined ? `≥ ${t.min}` : ''}
                      {t.max !== undefined ? ` ≤ ${t.max}` : ''} {t.unit})
                    </th>
                  ))}
                  {MAY_START.includes(props.actor.role) && <th scope="col">Campaign</th>}
                </tr>
              </thead>
              <tbody>
                {ranking.proposals.map((p) => (
                  <tr key={p.rank} data-rank={p.rank}>
                    <td>{p.rank}</td>
                    <td>{p.basePolymer}</td>
                    <td>
                      {p.monomers
                        .map((m) => (p.monomers.length > 1 ? `${m.name} ${num(m.fraction, 2)}` : m.name))
                        .join(' + ')}
                    </td>
                    <td data-testid="probability">{p.probability.toFixed(3)}</td>
                    <td class="mono">{conditionsText(p.conditions)}</td>
                    {p.predictions.map((x) => (
                      <td key={x.property} class="mono">
                        {num(x.mean, 3)} ± {num(x.sd, 2)}
                      </td>
                    ))}
                    {MAY_START.includes(props.actor.role) && (
                      <td>
                        <button onClick={() => void startCampaign(p)}>Start campaign</button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            <div class="mi-charts">
              {targets.map((t, k) => (
                <IntervalChart
                  key={t.property}
                  title={`${t.property}${t.at ? ` after ${t.at} h` : ''}`}
                  unit={t.unit}
                  min={t.min}
                  max={t.max}
                  points={ranking.proposals.map((p) => ({
                    label: `#${p.rank} ${p.basePolymer}/${p.monomers.map((m) => m.name).join('+')}`,
                    mean: p.predictions[k].mean,
                    sd: p.predictions[k].sd,
                  }))}
                />
              ))}
            </div>
          </>
        )}
      </Panel>
    </div>
  );
}
