import type { Suggestion } from '@graftlab/db';
import type { Params } from '@graftlab/optimizer';
import { compileProtocol, type Protocol } from '@graftlab/protocol';
import type { LoopContext } from './campaign.context';
import type { CampaignSettings } from './campaign.schema';
import { protocolFor } from './material.variants';
import { addUsage, runParameters, type CampaignUsage } from './proposal.check';

/** Dose and consumables committed: every suggestion approved, queued or run (planned amounts). */
export function committedUsage(
  ctx: LoopContext,
  protocol: Protocol,
  settings: CampaignSettings,
  all: readonly Suggestion[],
): CampaignUsage {
  const usage: CampaignUsage = { doseGy: 0, consumablesMl: {} };
  for (const s of all) {
    if (!['approved', 'queued', 'completed', 'failed'].includes(s.state)) continue;
    // A failed suggestion that never got a run consumed nothing.
    if (s.state === 'failed' && !s.runId) continue;
    try {
      const run = protocolFor(protocol, settings.materials, s.params as Params).protocol;
      const plan = compileProtocol(
        run,
        runParameters(run, settings, s.params as Params),
        ctx.deps.inventory,
        {
          now: ctx.now(),
        },
      );
      const consumablesMl: Record<string, number> = {};
      for (const c of plan.consumables)
        if (c.volume) consumablesMl[c.reagent] = (consumablesMl[c.reagent] ?? 0) + c.volume.si * 1e6;
      addUsage(usage, { doseGy: plan.dosePerRun.si, consumablesMl });
    } catch {
      // A past suggestion that no longer compiles (inventory changed) commits nothing new.
    }
  }
  return usage;
}
