import { randomBytes } from 'node:crypto';
import { InvalidTransitionError, type Campaign, type Suggestion } from '@graftlab/db';
import type { Protocol } from '@graftlab/protocol';
import { campaignOf, ignoreRace, loopContext, type LoopContext } from './campaign.context';
import type {
  Actor,
  AdvanceAction,
  AdvanceReport,
  CampaignLoopDeps,
  SuggestionOutcome,
} from './campaign.contract';
import { campaignRow, listCampaigns, settingsOf } from './campaign.record';
import type { CampaignSettings } from './campaign.schema';
import { committedUsage } from './campaign.usage';
import { parseCampaignDefinition, settingsFor } from './campaign.validation';
import { proposeBatch } from './batch.proposal';
import { gatherOutcomes } from './observation.gathering';
import type { CampaignUsage } from './proposal.check';
import { approveProposal, rejectProposal } from './proposal.approval';
import { triageOpen } from './proposal.triage';
import { pinProtocol, pinnedProtocol, versionDrift } from './protocol.pin';
import { checkMaterialVariants, materialDescriptors } from './material.variants';
import { priorProblems } from './prior.check';
import { settleRuns } from './run.settlement';
import { campaignStatus } from './stop.rules';

// The loop's shapes and markers live in campaign.contract.ts; re-exported so importers keep one entry point.
export {
  AUTONOMY_APPROVER,
  CHECK_REFUSAL,
  type Actor,
  type AdvanceAction,
  type AdvanceReport,
  type CampaignLoopDeps,
  type SuggestionOutcome,
} from './campaign.contract';

/**
 * The closed loop as a state machine kept in the MI database. Every step reads its state from the database and
 * writes it back with optimistic transitions, so `advance` may be called any number of times, by any process,
 * after any crash: a batch is written once (deterministic suggestion ids), each suggestion is queued once (the
 * run's idempotency key is the suggestion id), and proposals outside the safety or autonomy envelope stay
 * `proposed` (or `rejected`) until a person decides.
 *
 * This class keeps the orchestration and the public API; each step lives in its own file and takes a
 * LoopContext (see campaign.context.ts).
 */
export class CampaignLoop {
  private readonly ctx: LoopContext;

  constructor(deps: CampaignLoopDeps) {
    this.ctx = loopContext(deps);
  }

  // ── creating and controlling ───────────────────────────────────────────────────────────────────────────

  /** Validates a definition against its protocol (DocumentError with pointers) and starts the campaign. */
  async create(raw: unknown, createdBy?: string): Promise<Campaign> {
    const def = parseCampaignDefinition(raw);
    // Every check (the space against the protocol, material variants compiled, descriptors found) runs before an
    // inline protocol is saved or the campaign written: a refused definition leaves nothing behind.
    let checked: CampaignSettings | undefined;
    const { version } = await pinProtocol(this.ctx, def, createdBy, async (protocol) => {
      const { tables, problems } = await materialDescriptors(this.ctx.deps.db, def);
      problems.push(...checkMaterialVariants(def, protocol, this.ctx.deps.inventory, this.ctx.now()));
      problems.push(...(await priorProblems(this.ctx.deps.db, def)));
      checked = settingsFor(def, protocol, 0, tables, problems);
    });
    const settings: CampaignSettings = { ...checked!, protocolVersion: version };
    const id = `cmp-${randomBytes(6).toString('hex')}`;
    return this.ctx.campaigns.create(campaignRow(id, settings, createdBy));
  }

  get(id: string): Promise<Campaign> {
    return campaignOf(this.ctx, id);
  }

  list(state?: Campaign['state']): Promise<Campaign[]> {
    return listCampaigns(this.ctx.deps.db, state);
  }

  async pause(id: string): Promise<Campaign> {
    const c = await this.get(id);
    if (c.state !== 'active') throw new InvalidTransitionError('campaign', id, 'active', 'paused', c.state);
    return this.ctx.campaigns.setState(id, 'paused');
  }

  async resume(id: string): Promise<Campaign> {
    const c = await this.get(id);
    if (c.state !== 'paused') throw new InvalidTransitionError('campaign', id, 'paused', 'active', c.state);
    return this.ctx.campaigns.setState(id, 'active');
  }

  /** See approveProposal: re-checked, 403 when the dose needs a safety officer, then queued. */
  approve(campaignId: string, suggestionId: string, actor: Actor): Promise<Suggestion> {
    return approveProposal(this.ctx, campaignId, suggestionId, actor);
  }

  /** A person rejects a proposal (never queued); the optimizer is told not to propose it again. */
  reject(campaignId: string, suggestionId: string, actor: Actor, reason?: string): Promise<Suggestion> {
    return rejectProposal(this.ctx, campaignId, suggestionId, actor, reason);
  }

  // ── the loop ───────────────────────────────────────────────────────────────────────────────────────────

  /** Advances every active campaign once (the worker's driver calls this on an interval). */
  async advanceAll(onError?: (campaignId: string, error: unknown) => void): Promise<AdvanceReport[]> {
    const out: AdvanceReport[] = [];
    for (const c of await this.list('active')) {
      try {
        out.push(await this.advance(c.id));
      } catch (e) {
        onError?.(c.id, e);
      }
    }
    return out;
  }

  /**
   * One idempotent step of the loop: settle finished runs into their suggestions, queue what was approved,
   * check fresh proposals (refuse, queue inside the autonomy envelope, or leave for a person), stop when the
   * budget is spent or the target met, otherwise ask the optimizer for the next batch once nothing is
   * outstanding.
   */
  async advance(campaignId: string): Promise<AdvanceReport> {
    let campaign = await this.get(campaignId);
    const report = { campaignId, queued: [] as string[], rejected: [] as string[], proposed: [] as string[] };
    const done = (action: AdvanceAction, detail: string): AdvanceReport => ({ ...report, action, detail });
    if (campaign.state !== 'active') return done('idle', `campaign is ${campaign.state}`);
    const settings = settingsOf(campaign);
    const protocol = await this.protocolOf(settings);
    const drift = await versionDrift(this.ctx, settings);
    if (drift) return done('blocked', drift);

    await settleRuns(this.ctx, campaignId, settings);
    await triageOpen(this.ctx, campaign, protocol, settings, report);

    const outcomes = await this.outcomes(campaignId, settings);
    const status = this.status(settings, outcomes);
    const open = outcomes.filter((o) => ['proposed', 'approved', 'queued'].includes(o.suggestion.state));
    if (status.stopReason) {
      // Runs in flight still count: finish only once they are settled; waiting proposals are dropped.
      if (open.some((o) => o.suggestion.state !== 'proposed'))
        return done('waiting', `${status.stopReason}; waiting for the runs in flight`);
      for (const o of open)
        await this.ctx.campaigns
          .transitionSuggestion(o.suggestion.id, 'proposed', 'rejected', {
            reason: `campaign finished: ${status.stopReason}`,
          })
          .catch(ignoreRace);
      await this.ctx.campaigns.setState(campaignId, 'completed');
      return done('completed', status.stopReason);
    }
    if (open.length) {
      const waiting = open.filter((o) => o.suggestion.state === 'proposed').length;
      return done(
        'waiting',
        waiting ? `${waiting} proposal(s) wait for approval` : `${open.length} run(s) in flight`,
      );
    }

    // Nothing outstanding: the next batch (unless the campaign was paused meanwhile).
    campaign = await this.get(campaignId);
    if (campaign.state !== 'active') return done('idle', `campaign is ${campaign.state}`);
    const next = await proposeBatch(this.ctx, campaignId, protocol, settings, outcomes, status.experiments);
    if (!next.written) return done('waiting', next.detail);
    report.proposed.push(...next.ids);
    await triageOpen(this.ctx, await this.get(campaignId), protocol, settings, report);
    return done('proposed', next.detail);
  }

  // ── reading the state ──────────────────────────────────────────────────────────────────────────────────

  /** Dose and consumables committed: every suggestion approved, queued or run (planned amounts). */
  usage(protocol: Protocol, settings: CampaignSettings, all: readonly Suggestion[]): CampaignUsage {
    return committedUsage(this.ctx, protocol, settings, all);
  }

  /** Every suggestion with its run and, for finished runs, the observation the optimizer learns from. */
  async outcomes(campaignId: string, settings?: CampaignSettings): Promise<SuggestionOutcome[]> {
    return gatherOutcomes(this.ctx, campaignId, settings ?? settingsOf(await this.get(campaignId)));
  }

  /** Experiments spent, best so far, and why the campaign should stop (null: go on). */
  status(settings: CampaignSettings, outcomes: readonly SuggestionOutcome[]) {
    return campaignStatus(settings, outcomes);
  }

  /** The protocol version the campaign is pinned to. */
  protocolOf(settings: CampaignSettings): Promise<Protocol> {
    return pinnedProtocol(this.ctx, settings);
  }
}
