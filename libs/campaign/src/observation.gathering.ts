import type { Run } from '@graftlab/db';
import { scoreOf, type Observation, type Params } from '@graftlab/optimizer';
import type { LoopContext } from './campaign.context';
import { CHECK_REFUSAL, type SuggestionOutcome } from './campaign.contract';
import type { CampaignSettings } from './campaign.schema';

/** Run states after which nothing more will be measured. */
export const RUN_ENDED = new Set(['completed', 'failed', 'aborted']);

/** The outputs a run must report: the objective's targets, its constrained outputs and those the stop rule reads. */
export function outputNames(settings: CampaignSettings): Set<string> {
  return new Set([
    ...settings.objective.targets.map((t) => t.name),
    ...(settings.objective.constraints ?? []).map((c) => c.name),
    ...Object.keys(settings.stopWhen?.outputs ?? {}),
  ]);
}

/** Outputs the model log1p-transforms: a value at or below −1 cannot be modelled (and is not a physical DG). */
export function logTargets(settings: CampaignSettings): Set<string> {
  return new Set(settings.objective.targets.filter((t) => t.transform === 'log1p').map((t) => t.name));
}

/** The run's outputs (mean over its samples, uncertainty combined); a missing one means an invalidated sample. */
export async function measuredOutputs(
  ctx: LoopContext,
  run: Run,
  names: ReadonlySet<string>,
  logTransformed: ReadonlySet<string>,
): Promise<{ outputs?: Record<string, number>; uncertainty?: Record<string, number>; reason: string }> {
  const rows = await ctx.results.forRun(run.id);
  const outputs: Record<string, number> = {};
  const uncertainty: Record<string, number> = {};
  for (const name of names) {
    const own = rows.filter((r) => r.name === name && Number.isFinite(r.value));
    if (!own.length) {
      const sampleIds = await ctx.runs.sampleIds(run.id);
      const why: string[] = [];
      for (const id of sampleIds) {
        const sample = await ctx.samples.get(id);
        if (sample?.status === 'invalidated')
          why.push(`sample ${id} invalidated: ${sample.statusReason ?? ''}`);
      }
      return { reason: why.length ? why.join('; ') : `no ${name} result` };
    }
    outputs[name] = own.reduce((a, r) => a + r.value, 0) / own.length;
    if (logTransformed.has(name) && outputs[name] <= -1)
      return {
        reason: `${name} ${outputs[name].toFixed(1)} is not a physical result (sample lost or mis-weighed)`,
      };
    const us = own.map((r) => r.uncertainty).filter((u): u is number => u !== null);
    if (us.length) uncertainty[name] = Math.sqrt(us.reduce((a, u) => a + u * u, 0)) / own.length;
  }
  return { outputs, uncertainty, reason: '' };
}

/** Every suggestion with its run and, for finished runs, the observation the optimizer learns from. */
export async function gatherOutcomes(
  ctx: LoopContext,
  campaignId: string,
  settings: CampaignSettings,
): Promise<SuggestionOutcome[]> {
  const names = outputNames(settings);
  const out: SuggestionOutcome[] = [];
  for (const suggestion of await ctx.campaigns.suggestions(campaignId)) {
    const params = suggestion.params as Params;
    const run = suggestion.runId ? ((await ctx.runs.get(suggestion.runId)) ?? null) : null;
    let observation: Observation | null = null;
    let score: number | null = null;
    if (suggestion.state === 'rejected') {
      // Refused by the check: an infeasible region. Rejected by a person: not again (as if pending).
      observation = suggestion.reason?.startsWith(CHECK_REFUSAL)
        ? { id: suggestion.id, params, status: 'failed', reason: suggestion.reason }
        : { id: suggestion.id, params, status: 'pending' };
    } else if (suggestion.state === 'proposed' || suggestion.state === 'approved') {
      observation = { id: suggestion.id, params, status: 'pending' };
    } else if (run && run.state === 'completed') {
      const measured = await measuredOutputs(ctx, run, names, logTargets(settings));
      if (measured.outputs) {
        observation = {
          id: suggestion.id,
          params,
          status: 'completed',
          outputs: measured.outputs,
          uncertainty: measured.uncertainty,
        };
        score = scoreOf(settings.objective, measured.outputs, params);
      } else observation = { id: suggestion.id, params, status: 'failed', reason: measured.reason };
    } else if (run && RUN_ENDED.has(run.state)) {
      observation = {
        id: suggestion.id,
        params,
        status: 'failed',
        reason: `run ${run.state}: ${run.stateReason ?? ''}`,
      };
    } else if (suggestion.state === 'failed') {
      observation = { id: suggestion.id, params, status: 'failed', reason: suggestion.reason ?? 'failed' };
    } else {
      observation = { id: suggestion.id, params, status: 'pending' };
    }
    out.push({ suggestion, run, observation, score });
  }
  return out;
}
