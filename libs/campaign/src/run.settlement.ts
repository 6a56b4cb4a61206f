import { ignoreRace, type LoopContext } from './campaign.context';
import type { CampaignSettings } from './campaign.schema';
import { RUN_ENDED, logTargets, measuredOutputs, outputNames } from './observation.gathering';

/**
 * Finished runs move their suggestions to completed, or to failed (run failed or aborted, or completed without
 * a valid result: an invalidated sample is an abandoned trial, not a low value).
 */
export async function settleRuns(
  ctx: LoopContext,
  campaignId: string,
  settings: CampaignSettings,
): Promise<void> {
  for (const s of await ctx.campaigns.suggestions(campaignId, 'queued')) {
    if (!s.runId) continue;
    const run = await ctx.runs.get(s.runId);
    if (!run || !RUN_ENDED.has(run.state)) continue;
    let reason: string | undefined;
    if (run.state !== 'completed') reason = `run ${run.state}: ${run.stateReason ?? 'no reason given'}`;
    else {
      const measured = await measuredOutputs(ctx, run, outputNames(settings), logTargets(settings));
      if (!measured.outputs) reason = `run completed without a valid result: ${measured.reason}`;
    }
    await ctx.campaigns
      .transitionSuggestion(
        s.id,
        'queued',
        reason === undefined ? 'completed' : 'failed',
        reason === undefined ? {} : { reason },
      )
      .catch(ignoreRace);
  }
}
