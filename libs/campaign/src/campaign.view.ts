import type { Inventory } from '@graftlab/inventory';
import type { Params } from '@graftlab/optimizer';
import { settingsOf } from './campaign.record';
import type { CampaignLoop, SuggestionOutcome } from './campaign.loop';
import { paretoView, type ParetoView } from './pareto.view';
import { checkProposal } from './proposal.check';

export interface SuggestionView {
  readonly id: string;
  readonly batch: number;
  /** 1-based experiment number among the suggestions that became runs (null when never queued). */
  readonly experiment: number | null;
  readonly state: string;
  readonly params: Params;
  readonly modelVersion: string | null;
  readonly acquisitionValue: number | null;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  readonly reason: string | null;
  /** For a proposal waiting for a person: why it was not queued automatically. */
  readonly needsApproval?: readonly string[];
  readonly run: {
    readonly id: string;
    readonly state: string;
    readonly reason: string | null;
    readonly station: string | null;
    readonly startedAt: string | null;
    readonly finishedAt: string | null;
  } | null;
  readonly result: {
    readonly outputs: Record<string, number>;
    readonly uncertainty: Record<string, number>;
    readonly score: number;
  } | null;
  readonly createdAt: string;
}

export interface CampaignView {
  readonly id: string;
  readonly name: string | null;
  readonly state: string;
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly protocol: { readonly id: string; readonly version: number };
  readonly settings: ReturnType<typeof settingsOf>;
  readonly progress: {
    readonly experiments: number;
    readonly budget: number;
    readonly completed: number;
    readonly failed: number;
    readonly inFlight: number;
    readonly awaitingApproval: number;
    readonly rejected: number;
    readonly batches: number;
  };
  readonly best: SuggestionView | null;
  readonly targetMetBy: string | null;
  readonly stopReason: string | null;
  readonly suggestions: readonly SuggestionView[];
  /** With Pareto objectives or outcome constraints: the measured front and the experiments breaking a constraint. */
  readonly pareto: ParetoView | null;
}

const indexOf = (id: string) => Number(/\.(\d+)$/.exec(id)?.[1] ?? 0);

/** A campaign as the API and CLI show it: progress, best so far, and every suggestion with its provenance. */
export async function campaignView(
  loop: CampaignLoop,
  inventory: Inventory,
  campaignId: string,
): Promise<CampaignView> {
  const campaign = await loop.get(campaignId);
  const settings = settingsOf(campaign);
  const outcomes = [...(await loop.outcomes(campaignId, settings))].sort(
    (a, b) => a.suggestion.batch - b.suggestion.batch || indexOf(a.suggestion.id) - indexOf(b.suggestion.id),
  );
  const status = loop.status(settings, outcomes);
  const proposed = outcomes.filter((o) => o.suggestion.state === 'proposed');
  let needs = new Map<string, readonly string[]>();
  if (proposed.length) {
    const protocol = await loop.protocolOf(settings);
    const usage = loop.usage(
      protocol,
      settings,
      outcomes.map((o) => o.suggestion),
    );
    needs = new Map(
      proposed.map((o) => {
        const check = checkProposal(
          protocol,
          settings,
          o.suggestion.params as Params,
          inventory,
          usage,
          new Date(),
        );
        return [o.suggestion.id, check.ok ? check.needsApproval : [check.reason]];
      }),
    );
  }
  let n = 0;
  const views = outcomes.map((o) => toView(o, o.suggestion.runId ? ++n : null, needs.get(o.suggestion.id)));
  const count = (...states: string[]) => outcomes.filter((o) => states.includes(o.suggestion.state)).length;
  return {
    id: campaign.id,
    name: campaign.name,
    state: campaign.state,
    createdBy: campaign.createdBy,
    createdAt: campaign.createdAt.toISOString(),
    protocol: { id: settings.protocolId, version: settings.protocolVersion },
    settings,
    progress: {
      experiments: status.experiments,
      budget: settings.budget,
      completed: count('completed'),
      failed: count('failed'),
      inFlight: count('queued'),
      awaitingApproval: count('proposed', 'approved'),
      rejected: count('rejected'),
      batches: Math.max(0, ...outcomes.map((o) => o.suggestion.batch)),
    },
    best: status.best ? (views.find((v) => v.id === status.best!.suggestion.id) ?? null) : null,
    targetMetBy: status.targetMetBy,
    stopReason: status.stopReason,
    suggestions: views,
    pareto: paretoView(settings, views),
  };
}

function toView(
  o: SuggestionOutcome,
  experiment: number | null,
  needsApproval?: readonly string[],
): SuggestionView {
  const s = o.suggestion;
  return {
    id: s.id,
    batch: s.batch,
    experiment,
    state: s.state,
    params: s.params as Params,
    modelVersion: s.modelVersion,
    acquisitionValue: s.acquisitionValue,
    approvedBy: s.approvedBy,
    approvedAt: s.approvedAt?.toISOString() ?? null,
    reason: s.reason,
    ...(needsApproval ? { needsApproval } : {}),
    run: o.run
      ? {
          id: o.run.id,
          state: o.run.state,
          reason: o.run.stateReason,
          station: o.run.station,
          startedAt: o.run.startedAt?.toISOString() ?? null,
          finishedAt: o.run.finishedAt?.toISOString() ?? null,
        }
      : null,
    result:
      o.score !== null && o.observation?.outputs
        ? { outputs: o.observation.outputs, uncertainty: o.observation.uncertainty ?? {}, score: o.score }
        : null,
    createdAt: s.createdAt.toISOString(),
  };
}
