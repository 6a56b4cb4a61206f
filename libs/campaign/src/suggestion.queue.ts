import type { Campaign, Suggestion } from '@graftlab/db';
import { SubmissionRefused } from '@graftlab/admission';
import type { Params } from '@graftlab/optimizer';
import type { Protocol } from '@graftlab/protocol';
import { DocumentError } from '@graftlab/validation';
import { ignoreRace, suggestionOf, type LoopContext } from './campaign.context';
import type { CampaignSettings } from './campaign.schema';
import { protocolFor } from './material.variants';
import { runParameters } from './proposal.check';

/**
 * approved → queued: the run is submitted with the suggestion id as idempotency key (a restart between the
 * submission and the transition finds the same run), then the suggestion records it. A refusal rejects it.
 */
export async function queueSuggestion(
  ctx: LoopContext,
  campaign: Campaign,
  protocol: Protocol,
  settings: CampaignSettings,
  suggestion: Suggestion,
  as: { actor: string; mayApproveDose: boolean },
): Promise<Suggestion> {
  let runId: string;
  try {
    // With material parameters the run grafts the proposal's materials: the protocol variant is sent as a
    // document (stored as a version of its own id, `<protocol>-<material>…`).
    const params = suggestion.params as Params;
    const variant = protocolFor(protocol, settings.materials, params);
    const { run } = await ctx.deps.submitter.submit(
      {
        ...(variant.document ? { protocol: variant.document } : { protocolId: settings.protocolId }),
        parameters: runParameters(variant.protocol, settings, params),
        campaignId: campaign.id,
        suggestionId: suggestion.id,
        idempotencyKey: suggestion.id,
      },
      { actor: as.actor, mayApproveDose: as.mayApproveDose },
    );
    runId = run.id;
  } catch (e) {
    if (!(e instanceof SubmissionRefused) && !(e instanceof DocumentError)) throw e;
    const rejected = await ctx.campaigns
      .transitionSuggestion(suggestion.id, 'approved', 'rejected', {
        reason: `refused at submission: ${e.message}`,
      })
      .catch(ignoreRace);
    return rejected ?? (await suggestionOf(ctx, campaign.id, suggestion.id));
  }
  const queued = await ctx.campaigns
    .transitionSuggestion(suggestion.id, 'approved', 'queued', { runId })
    .catch(ignoreRace);
  return queued ?? (await suggestionOf(ctx, campaign.id, suggestion.id));
}
