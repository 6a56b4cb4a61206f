import {
  CampaignsRepository,
  InvalidTransitionError,
  NotFoundError,
  ProtocolsRepository,
  ResultsRepository,
  RunsRepository,
  SamplesRepository,
  type Campaign,
  type Suggestion,
} from '@graftlab/db';
import { suggestionById } from './campaign.record';
import type { CampaignLoopDeps } from './campaign.contract';

/**
 * What every step of the loop shares: its dependencies, one set of repositories over the same database, and
 * the clock. The loop's steps live in separate files and take this instead of the CampaignLoop instance.
 */
export interface LoopContext {
  readonly deps: CampaignLoopDeps;
  readonly campaigns: CampaignsRepository;
  readonly runs: RunsRepository;
  readonly results: ResultsRepository;
  readonly samples: SamplesRepository;
  readonly protocols: ProtocolsRepository;
  now(): Date;
}

export function loopContext(deps: CampaignLoopDeps): LoopContext {
  return {
    deps,
    campaigns: new CampaignsRepository(deps.db),
    runs: new RunsRepository(deps.db),
    results: new ResultsRepository(deps.db),
    samples: new SamplesRepository(deps.db),
    protocols: new ProtocolsRepository(deps.db),
    now: () => deps.now?.() ?? new Date(),
  };
}

export async function campaignOf(ctx: LoopContext, id: string): Promise<Campaign> {
  const row = await ctx.campaigns.get(id);
  if (!row) throw new NotFoundError('campaign', id);
  return row;
}

/** A suggestion of that campaign (a suggestion id under another campaign is not found, not leaked). */
export async function suggestionOf(
  ctx: LoopContext,
  campaignId: string,
  suggestionId: string,
): Promise<Suggestion> {
  const s = await suggestionById(ctx.deps.db, suggestionId);
  if (!s || s.campaignId !== campaignId) throw new NotFoundError('suggestion', suggestionId);
  return s;
}

/** A lost optimistic race (someone else moved the suggestion first) is not an error for an idempotent step. */
export function ignoreRace(e: unknown): undefined {
  if (e instanceof InvalidTransitionError) return undefined;
  throw e;
}
