import { InvalidTransitionError, type Suggestion } from '@graftlab/db';
import { SubmissionRefused } from '@graftlab/admission';
import type { Params } from '@graftlab/optimizer';
import { campaignOf, suggestionOf, type LoopContext } from './campaign.context';
import type { Actor } from './campaign.contract';
import { settingsOf } from './campaign.record';
import { committedUsage } from './campaign.usage';
import { checkProposal } from './proposal.check';
import { pinnedProtocol, versionDrift } from './protocol.pin';
import { queueSuggestion } from './suggestion.queue';

/**
 * A person approves a proposal: re-checked (safety, budgets), refused with 403 when its dose needs a safety
 * officer and the actor is not one, then recorded as approved by them and queued as a run.
 */
export async function approveProposal(
  ctx: LoopContext,
  campaignId: string,
  suggestionId: string,
  actor: Actor,
): Promise<Suggestion> {
  const campaign = await campaignOf(ctx, campaignId);
  const suggestion = await suggestionOf(ctx, campaignId, suggestionId);
  if (campaign.state !== 'active')
    throw new SubmissionRefused(
      409,
      `campaign ${campaignId} is ${campaign.state}: resume it before approving`,
    );
  if (suggestion.state !== 'proposed')
    throw new InvalidTransitionError('suggestion', suggestionId, 'proposed', 'approved', suggestion.state);
  const settings = settingsOf(campaign);
  const protocol = await pinnedProtocol(ctx, settings);
  const drift = await versionDrift(ctx, settings);
  if (drift) throw new SubmissionRefused(409, drift);
  // Checked again now: the budgets may have been spent since the proposal was written.
  const usage = committedUsage(ctx, protocol, settings, await ctx.campaigns.suggestions(campaignId));
  const check = checkProposal(
    protocol,
    settings,
    suggestion.params as Params,
    ctx.deps.inventory,
    usage,
    ctx.now(),
  );
  if (!check.ok) throw new SubmissionRefused(422, `suggestion ${suggestionId} ${check.reason}`);
  if (check.plan.requiresApproval && !actor.mayApproveDose)
    throw new SubmissionRefused(
      403,
      `the dose per sample (${(check.plan.dosePerSample.si / 1000).toFixed(1)} kGy) is above the lab's approval limit (${(check.plan.safety.approvalDoseGy / 1000).toFixed(1)} kGy): a safety officer must approve it`,
    );
  const approved = await ctx.campaigns.transitionSuggestion(suggestionId, 'proposed', 'approved', {
    by: actor.name,
  });
  return queueSuggestion(ctx, campaign, protocol, settings, approved, {
    actor: actor.name,
    mayApproveDose: actor.mayApproveDose,
  });
}

/** A person rejects a proposal (never queued); the optimizer is told not to propose it again. */
export async function rejectProposal(
  ctx: LoopContext,
  campaignId: string,
  suggestionId: string,
  actor: Actor,
  reason?: string,
): Promise<Suggestion> {
  const suggestion = await suggestionOf(ctx, campaignId, suggestionId);
  if (suggestion.state !== 'proposed' && suggestion.state !== 'approved')
    throw new InvalidTransitionError('suggestion', suggestionId, suggestion.state, 'rejected');
  return ctx.campaigns.transitionSuggestion(suggestionId, suggestion.state, 'rejected', {
    reason: `rejected by ${actor.name}${reason ? `: ${reason}` : ''}`,
  });
}
