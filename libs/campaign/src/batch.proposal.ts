import { optimizerFor, type Observation, type Params, type SuggestRequest } from '@graftlab/optimizer';
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
  const optimizer = (ctx.deps.optimizerFor ?? optimizerFor)(settings.optimizer);
  const answer = await optimizer.suggest(request);
  const items = answer.candidates.map((c, i) => ({
    id: `${campaignId}.b${batch}.${i + 1}`,
    params: roundIntegers(protocol, c.params),
    modelVersion: answer.modelVersion ?? null,
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
    detail: `batch ${batch}: ${items.length} proposal(s) (${answer.strategy}, model ${answer.modelVersion})`,
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
