import type { Campaign } from '@graftlab/db';
import type { Params } from '@graftlab/optimizer';
import type { Protocol } from '@graftlab/protocol';
import { ignoreRace, type LoopContext } from './campaign.context';
import { AUTONOMY_APPROVER, CHECK_REFUSAL } from './campaign.contract';
import type { CampaignSettings } from './campaign.schema';
import { committedUsage } from './campaign.usage';
import { addUsage, checkProposal } from './proposal.check';
import { queueSuggestion } from './suggestion.queue';

/** Approved suggestions are queued; proposed ones are checked, refused, queued (inside the envelope) or left for a person. */
export async function triageOpen(
  ctx: LoopContext,
  campaign: Campaign,
  protocol: Protocol,
  settings: CampaignSettings,
  report: { queued: string[]; rejected: string[] },
): Promise<void> {
  if (campaign.state !== 'active') return;
  const all = await ctx.campaigns.suggestions(campaign.id);
  for (const s of all.filter((x) => x.state === 'approved')) {
    // Only a person may have approved a dose above the limit; the envelope never does.
    const queued = await queueSuggestion(ctx, campaign, protocol, settings, s, {
      actor: s.approvedBy ?? AUTONOMY_APPROVER,
      mayApproveDose: s.approvedBy !== AUTONOMY_APPROVER,
    });
    if (queued.state === 'queued') report.queued.push(s.id);
  }
  // Re-read: the queueing above moved suggestions on (queued, or rejected and committing nothing).
  const usage = committedUsage(ctx, protocol, settings, await ctx.campaigns.suggestions(campaign.id));
  for (const s of all.filter((x) => x.state === 'proposed')) {
    const check = checkProposal(protocol, settings, s.params as Params, ctx.deps.inventory, usage, ctx.now());
    if (!check.ok) {
      await ctx.campaigns
        .transitionSuggestion(s.id, 'proposed', 'rejected', { reason: CHECK_REFUSAL + check.reason })
        .catch(ignoreRace);
      report.rejected.push(s.id);
      continue;
    }
    if (!check.autonomous) continue;
    const approved = await ctx.campaigns
      .transitionSuggestion(s.id, 'proposed', 'approved', { by: AUTONOMY_APPROVER })
      .catch(ignoreRace);
    if (!approved) continue;
    // Later proposals of the same batch are checked against the budget this one now commits.
    addUsage(usage, check);
    const queued = await queueSuggestion(ctx, campaign, protocol, settings, approved, {
      actor: AUTONOMY_APPROVER,
      mayApproveDose: false,
    });
    if (queued.state === 'queued') report.queued.push(s.id);
  }
}
