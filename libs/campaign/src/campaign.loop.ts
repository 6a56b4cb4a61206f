import { randomBytes } from 'node:crypto';
import {
  CampaignsRepository,
  InvalidTransitionError,
  NotFoundError,
  ProtocolsRepository,
  ResultsRepository,
  RunsRepository,
  SamplesRepository,
  type Campaign,
  type Db,
  type Run,
  type Suggestion,
  type SuggestionState,
} from '@graftlab/db';
import { SubmissionRefused, type SubmitRunRequest, type SubmitRunResult } from '@graftlab/engine';
import type { Inventory } from '@graftlab/inventory';
import {
  optimizerFor,
  scoreOf,
  type Observation,
  type Optimizer,
  type OptimizerChoice,
  type Params,
  type SuggestRequest,
} from '@graftlab/optimizer';
import { checkSafety, compileProtocol, parseProtocol, type Protocol } from '@graftlab/protocol';
import { DocumentError } from '@graftlab/validation';
import { campaignRow, listCampaigns, settingsOf, suggestionById } from './campaign.record';
import type { CampaignSettings } from './campaign.schema';
import { parseCampaignDefinition, settingsFor } from './campaign.validation';
import { addUsage, checkProposal, runParameters, type CampaignUsage } from './proposal.check';

/** Who approved a proposal that the autonomy envelope let through. */
export const AUTONOMY_APPROVER = 'autonomy-envelope';
/** Prefix of the reason of a proposal the campaign's own check refused (never queued). */
export const CHECK_REFUSAL = 'refused by the campaign check: ';

export interface CampaignLoopDeps {
  readonly db: Db;
  readonly inventory: Inventory;
  /** Usually a RunSubmitter: compiles, checks safety, chooses a station, writes the run (idempotent by key), enqueues. */
  readonly submitter: {
    submit(
      request: SubmitRunRequest,
      options?: { actor?: string; mayApproveDose?: boolean },
    ): Promise<SubmitRunResult>;
  };
  /** The optimizer a campaign names (default: optimizerFor). */
  readonly optimizerFor?: (choice: OptimizerChoice) => Optimizer;
  readonly now?: () => Date;
}

export interface Actor {
  readonly name: string;
  /** Safety officer or admin: may approve a dose above the lab's approval limit. */
  readonly mayApproveDose: boolean;
}

/** A suggestion with what became of it: its run, the outputs measured and the score. */
export interface SuggestionOutcome {
  readonly suggestion: Suggestion;
  readonly run: Run | null;
  readonly observation: Observation | null;
  readonly score: number | null;
}

export type AdvanceAction = 'idle' | 'waiting' | 'proposed' | 'completed' | 'blocked';

export interface AdvanceReport {
  readonly campaignId: string;
  readonly action: AdvanceAction;
  readonly detail: string;
  /** Suggestions queued as runs by this call. */
  readonly queued: readonly string[];
  /** Suggestions refused by the check in this call. */
  readonly rejected: readonly string[];
  /** Suggestions written by this call (a new batch). */
  readonly proposed: readonly string[];
}

const COUNTED: readonly SuggestionState[] = ['queued', 'completed', 'failed'];
const RUN_ENDED = new Set(['completed', 'failed', 'aborted']);

/**
 * The closed loop as a state machine kept in the MI database. Every step reads its state from the database and
 * writes it back with optimistic transitions, so `advance` may be called any number of times, by any process,
 * after any crash: a batch is written once (deterministic suggestion ids), each suggestion is queued once (the
 * run's idempotency key is the suggestion id), and proposals outside the safety or autonomy envelope stay
 * `proposed` (or `rejected`) until a person decides.
 */
export class CampaignLoop {
  private readonly campaigns: CampaignsRepository;
  private readonly runs: RunsRepository;
  private readonly results: ResultsRepository;
  private readonly samples: SamplesRepository;
  private readonly protocols: ProtocolsRepository;

  constructor(private readonly deps: CampaignLoopDeps) {
    this.campaigns = new CampaignsRepository(deps.db);
    this.runs = new RunsRepository(deps.db);
    this.results = new ResultsRepository(deps.db);
    this.samples = new SamplesRepository(deps.db);
    this.protocols = new ProtocolsRepository(deps.db);
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  // ── creating and controlling ───────────────────────────────────────────────────────────────────────────

  /** Validates a definition against its protocol (DocumentError with pointers) and starts the campaign. */
  async create(raw: unknown, createdBy?: string): Promise<Campaign> {
    const def = parseCampaignDefinition(raw);
    let protocol: Protocol;
    let version: number;
    if (def.protocol !== undefined) {
      try {
        protocol = parseProtocol(def.protocol);
      } catch (e) {
        if (e instanceof DocumentError)
          throw new DocumentError(
            e.problems.map((p) => ({ pointer: `/protocol${p.pointer}`, message: p.message })),
          );
        throw e;
      }
      const plan = compileProtocol(protocol, {}, this.deps.inventory, { now: this.now() });
      const safety = checkSafety(plan, this.deps.inventory);
      if (safety.length)
        throw new DocumentError(
          safety.map((p) => ({ pointer: `/protocol${p.pointer}`, message: p.message })),
        );
      const saved = await this.protocols.saveVersion({
        protocolId: protocol.id,
        name: protocol.title,
        document: def.protocol,
        createdBy,
      });
      version = saved.version;
    } else {
      const stored = await this.protocols.version(def.protocolId!, def.protocolVersion);
      if (!stored)
        throw new DocumentError([
          {
            pointer: def.protocolVersion === undefined ? '/protocolId' : '/protocolVersion',
            message: `protocol ${def.protocolId}${def.protocolVersion ? ` v${def.protocolVersion}` : ''} is not stored (POST /api/protocols first, or give "protocol")`,
          },
        ]);
      protocol = parseProtocol(stored.document);
      version = stored.version;
    }
    const settings = settingsFor(def, protocol, version);
    const id = `cmp-${randomBytes(6).toString('hex')}`;
    return this.campaigns.create(campaignRow(id, settings, createdBy));
  }

  async get(id: string): Promise<Campaign> {
    const row = await this.campaigns.get(id);
    if (!row) throw new NotFoundError('campaign', id);
    return row;
  }

  list(state?: Campaign['state']): Promise<Campaign[]> {
    return listCampaigns(this.deps.db, state);
  }

  async pause(id: string): Promise<Campaign> {
    const c = await this.get(id);
    if (c.state !== 'active') throw new InvalidTransitionError('campaign', id, 'active', 'paused', c.state);
    return this.campaigns.setState(id, 'paused');
  }

  async resume(id: string): Promise<Campaign> {
    const c = await this.get(id);
    if (c.state !== 'paused') throw new InvalidTransitionError('campaign', id, 'paused', 'active', c.state);
    return this.campaigns.setState(id, 'active');
  }

  /**
   * A person approves a proposal: re-checked (safety, budgets), refused with 403 when its dose needs a safety
   * officer and the actor is not one, then recorded as approved by them and queued as a run.
   */
  async approve(campaignId: string, suggestionId: string, actor: Actor): Promise<Suggestion> {
    const campaign = await this.get(campaignId);
    const suggestion = await this.suggestionOf(campaignId, suggestionId);
    if (campaign.state !== 'active')
      throw new SubmissionRefused(
        409,
        `campaign ${campaignId} is ${campaign.state}: resume it before approving`,
      );
    if (suggestion.state !== 'proposed')
      throw new InvalidTransitionError('suggestion', suggestionId, 'proposed', 'approved', suggestion.state);
    const settings = settingsOf(campaign);
    const protocol = await this.protocolOf(settings);
    const drift = await this.versionDrift(settings);
    if (drift) throw new SubmissionRefused(409, drift);
    const usage = this.usage(protocol, settings, await this.campaigns.suggestions(campaignId));
    const check = checkProposal(
      protocol,
      settings,
      suggestion.params as Params,
      this.deps.inventory,
      usage,
      this.now(),
    );
    if (!check.ok) throw new SubmissionRefused(422, `suggestion ${suggestionId} ${check.reason}`);
    if (check.plan.requiresApproval && !actor.mayApproveDose)
      throw new SubmissionRefused(
        403,
        `the dose per sample (${(check.plan.dosePerSample.si / 1000).toFixed(1)} kGy) is above the lab's approval limit (${(check.plan.safety.approvalDoseGy / 1000).toFixed(1)} kGy): a safety officer must approve it`,
      );
    const approved = await this.campaigns.transitionSuggestion(suggestionId, 'proposed', 'approved', {
      by: actor.name,
    });
    return this.queue(campaign, protocol, settings, approved, {
      actor: actor.name,
      mayApproveDose: actor.mayApproveDose,
    });
  }

  /** A person rejects a proposal (never queued); the optimizer is told not to propose it again. */
  async reject(campaignId: string, suggestionId: string, actor: Actor, reason?: string): Promise<Suggestion> {
    const suggestion = await this.suggestionOf(campaignId, suggestionId);
    if (suggestion.state !== 'proposed' && suggestion.state !== 'approved')
      throw new InvalidTransitionError('suggestion', suggestionId, suggestion.state, 'rejected');
    return this.campaigns.transitionSuggestion(suggestionId, suggestion.state, 'rejected', {
      reason: `rejected by ${actor.name}${reason ? `: ${reason}` : ''}`,
    });
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
    const drift = await this.versionDrift(settings);
    if (drift) return done('blocked', drift);

    await this.settleRuns(campaignId, settings);
    await this.processOpen(campaign, protocol, settings, report);

    const outcomes = await this.outcomes(campaignId, settings);
    const status = this.status(settings, outcomes);
    const open = outcomes.filter((o) => ['proposed', 'approved', 'queued'].includes(o.suggestion.state));
    if (status.stopReason) {
      if (open.some((o) => o.suggestion.state !== 'proposed'))
        return done('waiting', `${status.stopReason}; waiting for the runs in flight`);
      for (const o of open)
        await this.campaigns
          .transitionSuggestion(o.suggestion.id, 'proposed', 'rejected', {
            reason: `campaign finished: ${status.stopReason}`,
          })
          .catch(ignoreRace);
      await this.campaigns.setState(campaignId, 'completed');
      return done('completed', status.stopReason);
    }
    if (open.length) {
      const waiting = open.filter((o) => o.suggestion.state === 'proposed').length;
      return done(
        'waiting',
        waiting ? `${waiting} proposal(s) wait for approval` : `${open.length} run(s) in flight`,
      );
    }

    // Nothing outstanding: the next batch.
    campaign = await this.get(campaignId);
    if (campaign.state !== 'active') return done('idle', `campaign is ${campaign.state}`);
    const batch = Math.max(0, ...outcomes.map((o) => o.suggestion.batch)) + 1;
    const size = Math.min(settings.batchSize, settings.budget - status.experiments);
    const request: SuggestRequest = {
      space: { parameters: [...settings.parameters], objective: settings.objective },
      observations: outcomes.map((o) => o.observation).filter((o): o is Observation => o !== null),
      batchSize: size,
      seed: settings.seed * 1000 + batch,
      strategy: settings.strategy,
      ...(settings.groupBy.length ? { groupBy: [...settings.groupBy] } : {}),
    };
    const optimizer = (this.deps.optimizerFor ?? optimizerFor)(settings.optimizer);
    const answer = await optimizer.suggest(request);
    const items = answer.candidates.map((c, i) => ({
      id: `${campaignId}.b${batch}.${i + 1}`,
      params: roundIntegers(protocol, c.params),
      modelVersion: answer.modelVersion ?? null,
      acquisitionValue: c.acquisitionValue ?? null,
    }));
    try {
      await this.campaigns.addSuggestions(campaignId, batch, items);
    } catch (e) {
      // Another advance wrote this batch first (same deterministic ids): carry on with theirs.
      if (!(await suggestionById(this.deps.db, items[0].id))) throw e;
      return done('waiting', `batch ${batch} was written by another advance`);
    }
    report.proposed.push(...items.map((i) => i.id));
    await this.processOpen(await this.get(campaignId), protocol, settings, report);
    return done(
      'proposed',
      `batch ${batch}: ${items.length} proposal(s) (${answer.strategy}, model ${answer.modelVersion})`,
    );
  }

  /**
   * Finished runs move their suggestions to completed, or to failed (run failed or aborted, or completed without
   * a valid result: an invalidated sample is an abandoned trial, not a low value).
   */
  private async settleRuns(campaignId: string, settings: CampaignSettings): Promise<void> {
    for (const s of await this.campaigns.suggestions(campaignId, 'queued')) {
      if (!s.runId) continue;
      const run = await this.runs.get(s.runId);
      if (!run || !RUN_ENDED.has(run.state)) continue;
      let reason: string | undefined;
      if (run.state !== 'completed') reason = `run ${run.state}: ${run.stateReason ?? 'no reason given'}`;
      else {
        const measured = await this.measured(run, outputNames(settings), logTargets(settings));
        if (!measured.outputs) reason = `run completed without a valid result: ${measured.reason}`;
      }
      await this.campaigns
        .transitionSuggestion(
          s.id,
          'queued',
          reason === undefined ? 'completed' : 'failed',
          reason === undefined ? {} : { reason },
        )
        .catch(ignoreRace);
    }
  }

  /** Approved suggestions are queued; proposed ones are checked, refused, queued (inside the envelope) or left for a person. */
  private async processOpen(
    campaign: Campaign,
    protocol: Protocol,
    settings: CampaignSettings,
    report: { queued: string[]; rejected: string[] },
  ): Promise<void> {
    if (campaign.state !== 'active') return;
    const all = await this.campaigns.suggestions(campaign.id);
    for (const s of all.filter((x) => x.state === 'approved')) {
      const queued = await this.queue(campaign, protocol, settings, s, {
        actor: s.approvedBy ?? AUTONOMY_APPROVER,
        mayApproveDose: s.approvedBy !== AUTONOMY_APPROVER,
      });
      if (queued.state === 'queued') report.queued.push(s.id);
    }
    const usage = this.usage(protocol, settings, await this.campaigns.suggestions(campaign.id));
    for (const s of all.filter((x) => x.state === 'proposed')) {
      const check = checkProposal(
        protocol,
        settings,
        s.params as Params,
        this.deps.inventory,
        usage,
        this.now(),
      );
      if (!check.ok) {
        await this.campaigns
          .transitionSuggestion(s.id, 'proposed', 'rejected', { reason: CHECK_REFUSAL + check.reason })
          .catch(ignoreRace);
        report.rejected.push(s.id);
        continue;
      }
      if (!check.autonomous) continue;
      const approved = await this.campaigns
        .transitionSuggestion(s.id, 'proposed', 'approved', { by: AUTONOMY_APPROVER })
        .catch(ignoreRace);
      if (!approved) continue;
      addUsage(usage, check);
      const queued = await this.queue(campaign, protocol, settings, approved, {
        actor: AUTONOMY_APPROVER,
        mayApproveDose: false,
      });
      if (queued.state === 'queued') report.queued.push(s.id);
    }
  }

  /**
   * approved → queued: the run is submitted with the suggestion id as idempotency key (a restart between the
   * submission and the transition finds the same run), then the suggestion records it. A refusal rejects it.
   */
  private async queue(
    campaign: Campaign,
    protocol: Protocol,
    settings: CampaignSettings,
    suggestion: Suggestion,
    as: { actor: string; mayApproveDose: boolean },
  ): Promise<Suggestion> {
    let runId: string;
    try {
      const { run } = await this.deps.submitter.submit(
        {
          protocolId: settings.protocolId,
          parameters: runParameters(protocol, settings, suggestion.params as Params),
          campaignId: campaign.id,
          suggestionId: suggestion.id,
          idempotencyKey: suggestion.id,
        },
        { actor: as.actor, mayApproveDose: as.mayApproveDose },
      );
      runId = run.id;
    } catch (e) {
      if (!(e instanceof SubmissionRefused) && !(e instanceof DocumentError)) throw e;
      const rejected = await this.campaigns
        .transitionSuggestion(suggestion.id, 'approved', 'rejected', {
          reason: `refused at submission: ${e.message}`,
        })
        .catch(ignoreRace);
      return rejected ?? (await this.suggestionOf(campaign.id, suggestion.id));
    }
    const queued = await this.campaigns
      .transitionSuggestion(suggestion.id, 'approved', 'queued', { runId })
      .catch(ignoreRace);
    return queued ?? (await this.suggestionOf(campaign.id, suggestion.id));
  }

  // ── reading the state ──────────────────────────────────────────────────────────────────────────────────

  /** Dose and consumables committed: every suggestion approved, queued or run (planned amounts). */
  usage(protocol: Protocol, settings: CampaignSettings, all: readonly Suggestion[]): CampaignUsage {
    const usage: CampaignUsage = { doseGy: 0, consumablesMl: {} };
    for (const s of all) {
      if (!['approved', 'queued', 'completed', 'failed'].includes(s.state)) continue;
      if (s.state === 'failed' && !s.runId) continue;
      try {
        const plan = compileProtocol(
          protocol,
          runParameters(protocol, settings, s.params as Params),
          this.deps.inventory,
          {
            now: this.now(),
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

  /** Every suggestion with its run and, for finished runs, the observation the optimizer learns from. */
  async outcomes(campaignId: string, settings?: CampaignSettings): Promise<SuggestionOutcome[]> {
    const s = settings ?? settingsOf(await this.get(campaignId));
    const names = outputNames(s);
    const out: SuggestionOutcome[] = [];
    for (const suggestion of await this.campaigns.suggestions(campaignId)) {
      const params = suggestion.params as Params;
      const run = suggestion.runId ? ((await this.runs.get(suggestion.runId)) ?? null) : null;
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
        const measured = await this.measured(run, names, logTargets(s));
        if (measured.outputs) {
          observation = {
            id: suggestion.id,
            params,
            status: 'completed',
            outputs: measured.outputs,
            uncertainty: measured.uncertainty,
          };
          score = scoreOf(s.objective, measured.outputs, params);
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

  /** The run's outputs (mean over its samples, uncertainty combined); a missing one means an invalidated sample. */
  private async measured(
    run: Run,
    names: ReadonlySet<string>,
    logTransformed: ReadonlySet<string>,
  ): Promise<{ outputs?: Record<string, number>; uncertainty?: Record<string, number>; reason: string }> {
    const rows = await this.results.forRun(run.id);
    const outputs: Record<string, number> = {};
    const uncertainty: Record<string, number> = {};
    for (const name of names) {
      const own = rows.filter((r) => r.name === name && Number.isFinite(r.value));
      if (!own.length) {
        const sampleIds = await this.runs.sampleIds(run.id);
        const why: string[] = [];
        for (const id of sampleIds) {
          const sample = await this.samples.get(id);
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

  /** Experiments spent, best so far, and why the campaign should stop (null: go on). */
  status(settings: CampaignSettings, outcomes: readonly SuggestionOutcome[]) {
    const experiments = outcomes.filter((o) => COUNTED.includes(o.suggestion.state)).length;
    const scored = outcomes.filter((o) => o.score !== null);
    const best = scored.reduce<SuggestionOutcome | null>(
      (b, o) => (b === null || o.score! > b.score! ? o : b),
      null,
    );
    const hit = settings.stopWhen
      ? outcomes.find(
          (o) =>
            o.observation?.status === 'completed' &&
            Object.entries(settings.stopWhen!.outputs).every(([name, r]) => {
              const v = o.observation!.outputs?.[name];
              return (
                v !== undefined && (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max)
              );
            }),
        )
      : undefined;
    const refused = outcomes.filter((o) => o.suggestion.reason?.startsWith(CHECK_REFUSAL)).length;
    const stopReason = hit
      ? `target met by ${hit.suggestion.id}`
      : experiments >= settings.budget
        ? `budget of ${settings.budget} experiments spent`
        : refused >= Math.max(settings.budget, 3 * settings.batchSize)
          ? `${refused} proposals refused by the checks: the space and the limits leave no room`
          : null;
    return { experiments, best, targetMetBy: hit?.suggestion.id ?? null, stopReason };
  }

  private async suggestionOf(campaignId: string, suggestionId: string): Promise<Suggestion> {
    const s = await suggestionById(this.deps.db, suggestionId);
    if (!s || s.campaignId !== campaignId) throw new NotFoundError('suggestion', suggestionId);
    return s;
  }

  async protocolOf(settings: CampaignSettings): Promise<Protocol> {
    const stored = await this.protocols.version(settings.protocolId, settings.protocolVersion);
    if (!stored) throw new NotFoundError('protocol', `${settings.protocolId} v${settings.protocolVersion}`);
    return parseProtocol(stored.document);
  }

  /** Runs are submitted by protocol id (its latest version): a newer version would change the experiment. */
  private async versionDrift(settings: CampaignSettings): Promise<string | null> {
    const latest = await this.protocols.version(settings.protocolId);
    return latest && latest.version !== settings.protocolVersion
      ? `protocol ${settings.protocolId} is at v${latest.version} but the campaign is pinned to v${settings.protocolVersion}: nothing is queued`
      : null;
  }
}

function outputNames(settings: CampaignSettings): Set<string> {
  return new Set([
    ...settings.objective.targets.map((t) => t.name),
    ...Object.keys(settings.stopWhen?.outputs ?? {}),
  ]);
}

/** Outputs the model log1p-transforms: a value at or below −1 cannot be modelled (and is not a physical DG). */
function logTargets(settings: CampaignSettings): Set<string> {
  return new Set(settings.objective.targets.filter((t) => t.transform === 'log1p').map((t) => t.name));
}

function roundIntegers(protocol: Protocol, params: Params): Params {
  const out: Params = { ...params };
  for (const p of protocol.parameters)
    if (p.type === 'number' && p.integer && typeof out[p.name] === 'number')
      out[p.name] = Math.round(out[p.name] as number);
  return out;
}

/** A lost optimistic race (someone else moved the suggestion first) is not an error for an idempotent step. */
function ignoreRace(e: unknown): undefined {
  if (e instanceof InvalidTransitionError) return undefined;
  throw e;
}
