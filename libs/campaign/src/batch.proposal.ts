import { PriorUnavailable, proposeWithDatabasePrior, type CampaignSystem } from '@graftlab/mi-service';
import {
  optimizerFor,
  type Observation,
  type Params,
  type SuggestRequest,
  type SuggestResponse,
} from '@graftlab/optimizer';
import type { Protocol } from '@graftlab/protocol';
import type { LoopContext } from './campaign.context';
import type { SuggestionOutcome } from './campaign.contract';
import { suggestionById } from './campaign.record';
import type { CampaignSettings } from './campaign.schema';

/** A new batch was written (its suggestion ids), or another advance wrote it first. */
export type BatchProposal =
  | { readonly written: true; readonly ids: readonly string[]; readonly detail: string }
  | { readonly written: false; readonly detail: string };

/**
 * Asks the campaign's optimizer for the next batch, learning from every outcome so far, and writes it with
 * deterministic ids (`<campaign>.b<batch>.<n>`) so a concurrent or repeated advance cannot write it twice.
 */
export async function proposeBatch(
  ctx: LoopContext,
  campaignId: string,
  protocol: Protocol,
  settings: CampaignSettings,
  outcomes: readonly SuggestionOutcome[],
  experiments: number,
): Promise<BatchProposal> {
  const batch = Math.max(0, ...outcomes.map((o) => o.suggestion.batch)) + 1;
  const size = Math.min(settings.batchSize, settings.budget - experiments);
  const request: SuggestRequest = {
    space: { parameters: [...settings.parameters], objective: settings.objective },
    observations: outcomes.map((o) => o.observation).filter((o): o is Observation => o !== null),
    batchSize: size,
    // A seed per batch: reproducible, but not the same candidates every batch.
    seed: settings.seed * 1000 + batch,
    strategy: settings.strategy,
    ...(settings.groupBy.length ? { groupBy: [...settings.groupBy] } : {}),
  };
  let answer: SuggestResponse | undefined;
  let note = '';
  if (
    settings.prior !== 'none' &&
    settings.strategy === 'bayesian' &&
    settings.optimizer.kind === 'builtin'
  ) {
    try {
      const prior = await proposeWithDatabasePrior(
        ctx.deps.db,
        {
          campaignId,
          system: campaignSystem(protocol, settings),
          parameters: settings.parameters,
          objective: settings.objective,
          observations: request.observations,
          batchSize: size,
          seed: request.seed ?? 0,
          groupBy: settings.groupBy,
          ...(typeof settings.prior === 'object' ? { related: settings.prior } : {}),
        },
        { thread: ctx.deps.miThread },
      );
      answer = prior;
      const related = Object.entries(prior.relatedness).map(
        ([k, r]) => `${k} weight ${r.weight.toFixed(2)}, warm share ${r.warmShare.toFixed(2)}`,
      );
      // A list of related tasks names how much of the database it kept.
      const source =
        typeof settings.prior === 'object' ? `related tasks (${prior.relatedRecords} records)` : 'database';
      note = related.length ? `; ${source} relatedness ${related.join('; ')}` : `; ${source} prior`;
    } catch (e) {
      if (!(e instanceof PriorUnavailable)) throw e;
      note = `; no database prior: ${e.message}`;
    }
  }
  if (!answer) {
    const optimizer = (ctx.deps.optimizerFor ?? optimizerFor)(settings.optimizer);
    answer = await optimizer.suggest(request);
  }
  // A campaign started from an MI ranking cites that model too, so every run's manifest names it.
  const origin = settings.origin?.miModelVersion;
  const modelVersion =
    answer.modelVersion && origin && !answer.modelVersion.includes(origin)
      ? `${answer.modelVersion}+${origin}`
      : (answer.modelVersion ?? origin ?? null);
  const items = answer.candidates.map((c, i) => ({
    id: `${campaignId}.b${batch}.${i + 1}`,
    params: roundIntegers(protocol, c.params),
    modelVersion,
    acquisitionValue: c.acquisitionValue ?? null,
  }));
  try {
    await ctx.campaigns.addSuggestions(campaignId, batch, items);
  } catch (e) {
    // Another advance wrote this batch first (same deterministic ids): carry on with theirs.
    if (!(await suggestionById(ctx.deps.db, items[0].id))) throw e;
    return { written: false, detail: `batch ${batch} was written by another advance` };
  }
  return {
    written: true,
    ids: items.map((i) => i.id),
    detail: `batch ${batch}: ${items.length} proposal(s) (${answer.strategy}, model ${modelVersion})${note}`,
  };
}

/** What the campaign grafts, for the database prior: the protocol's materials and method, unsearched values. */
export function campaignSystem(protocol: Protocol, settings: CampaignSettings): CampaignSystem {
  const searched = new Set(settings.parameters.map((p) => p.name));
  const values: Record<string, number | string | boolean> = {};
  for (const p of protocol.parameters) if (!searched.has(p.name)) values[p.name] = p.default;
  Object.assign(values, settings.fixed);
  const m = protocol.materials.monomer;
  return {
    basePolymer: protocol.materials.base.polymer,
    monomer: [m.name, ...(m.abbreviation ? [m.abbreviation] : [])],
    method: protocol.method,
    values,
  };
}

/** Integer protocol parameters are stored rounded, as they will run (the optimizer searches a continuous space). */
function roundIntegers(protocol: Protocol, params: Params): Params {
  const out: Params = { ...params };
  for (const p of protocol.parameters)
    if (p.type === 'number' && p.integer && typeof out[p.name] === 'number')
      out[p.name] = Math.round(out[p.name] as number);
  return out;
}
