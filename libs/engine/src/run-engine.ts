import type { LabClock } from '@graftlab/clock';
import {
  databaseFailureMessage,
  isDatabaseUnavailable,
  manifestHash,
  TERMINAL_RUN_STATES,
  type JournalEntry,
  type Run,
} from '@graftlab/db';
import { DeviceError } from '@graftlab/devices';
import type { Inventory } from '@graftlab/inventory';
import { StoredPlanRejected, type ExecutionPlan } from '@graftlab/protocol';
import type { DeviceHub } from './device-hub';
import type { EngineRepositories } from './engine.repositories';
import { PipelinedJournal } from './journal-pipeline';
import {
  NothingDelivered,
  OperatorNeededError,
  RunInterrupted,
  SafetyRefusal,
  StationHeld,
} from './engine.errors';
import { LeaseLost } from './lease-fence';
import type { LeaseManager } from './lease-manager';
import type { OperatorChannel } from './operator-channel';
import { outputsWithUncertainty } from './results';
import type { RunControl } from './run-control';
import type { EngineLog, RunContext, SampleState } from './run-context';
import { RunParked } from './soak-parking';
import { runStep, sharedDevicesOf } from './step-runner';
import { runPlanOf } from './stored-plan';

export interface EngineDeps {
  /** The MI database as the engine uses it (repositoriesOn(db) in the worker; fakes in unit tests). */
  readonly repositories: EngineRepositories;
  readonly inventory: Inventory;
  readonly devices: DeviceHub;
  readonly leases: LeaseManager;
  readonly operator: OperatorChannel;
  readonly control: RunControl;
  readonly clock: LabClock;
  readonly workerId: string;
  readonly log: EngineLog;
  readonly commandTimeoutMs?: number;
  /** Identity and firmware of the devices, for the run manifest. */
  readonly deviceIdentities?: () => Record<string, string>;
  /** Model version of the optimizer that proposed the run (campaign runs), for the run manifest. */
  readonly optimizerModelVersion?: (run: Run) => Promise<string | undefined>;
}

/** resumeAtLabMs: a soaking run's next visit, for its delayed continuation. */
export type RunOutcome = { state: Run['state']; reason?: string; resumeAtLabMs?: number };

/** Latest journal row per key (highest attempt). */
function latestRows(rows: readonly JournalEntry[]): Map<string, JournalEntry> {
  const map = new Map<string, JournalEntry>();
  for (const row of rows) {
    const seen = map.get(row.stepKey);
    if (!seen || row.attempt >= seen.attempt) map.set(row.stepKey, row);
  }
  return map;
}

/**
 * Executes one run on one station, step after step, from the journal: steps already confirmed are replayed from
 * their read-backs, so a run continued after a crash or a pause picks up exactly where it was.
 */
export class RunEngine {
  private readonly runs: EngineRepositories['runs'];
  private readonly journal: EngineRepositories['journal'];

  constructor(private readonly deps: EngineDeps) {
    this.runs = deps.repositories.runs;
    this.journal = deps.repositories.journal;
  }

  async execute(runId: string, jobSignal?: AbortSignal): Promise<RunOutcome> {
    const { deps } = this;
    let run = await this.runs.get(runId);
    if (!run) throw new Error(`run ${runId} not found`);
    if (TERMINAL_RUN_STATES.includes(run.state))
      return { state: run.state, reason: run.stateReason ?? undefined };
    const station = deps.devices.stations.find((s) => s.id === run!.station);
    if (!station)
      throw new Error(`run ${runId} is for station ${run.station}, which this worker does not own`);
    if (run.state === 'queued') {
      // One run under way per station: a run that has started and not ended (running, paused, waiting for a
      // person, or queued again after a resume) keeps its station — its film may be in the vessel and it continues
      // there — so another run waits rather than start beside it.
      // A resumed run is `queued` again until its job is taken; of two such runs the one that started first goes.
      const startedAt = run.startedAt?.getTime();
      const holder = (await this.runs.underWayOn(station.id)).find(
        (r) =>
          r.id !== runId &&
          (r.state !== 'queued' || startedAt === undefined || r.startedAt!.getTime() < startedAt),
      );
      if (holder) throw new StationHeld(station.id, holder.id, holder.state);
      run = await this.runs.transition(runId, 'queued', 'running');
    } else if (run.state === 'soaking') {
      // A soak visit is due: the films are in the soak bath, not in the station's vessel, so the run needs no
      // station to itself; it picks up from the journal at its soak step (docs/soak.md).
      run = await this.runs.transition(runId, 'soaking', 'running');
    } else if (run.state !== 'running') return { state: run.state, reason: run.stateReason ?? undefined };

    // The run's samples and journal are read while its plan is (independent reads, one round trip's wait).
    const sampleRepo = deps.repositories.samples;
    const samplesRead = this.runs
      .sampleIds(runId)
      .then((ids) => Promise.all(ids.map(async (id) => ({ id, row: await sampleRepo.get(id) }))));
    const journalRead = this.journal.forRun(runId);
    // Awaited below; moot when the plan is refused.
    samplesRead.catch(() => undefined);
    journalRead.catch(() => undefined);
    let loaded: Awaited<ReturnType<typeof runPlanOf>>;
    try {
      loaded = await runPlanOf(deps.repositories.protocols, deps.inventory, run);
    } catch (e) {
      if (!(e instanceof StoredPlanRejected)) throw e;
      // A plan that is not the one admitted must not run: nothing has been commanded yet for it on this worker.
      await this.runs.transition(runId, 'running', 'paused', { reason: e.reason });
      deps.log({ runId, reason: e.reason }, 'run paused: stored plan refused');
      return { state: 'paused', reason: e.reason };
    }
    const { protocol, plan } = loaded;
    const samples: SampleState[] = (await samplesRead).map(({ id, row }) => ({
      id,
      location: row?.currentLocation ?? 'rack-a',
      invalidReason: row?.status === 'invalidated' ? (row.statusReason ?? 'invalidated') : undefined,
    }));
    const journalRows = latestRows(await journalRead);
    // Confirmations of steps on the station's own devices commit while the run goes on to its next write; a shared
    // instrument's are written before its lease is given back.
    const journal = new PipelinedJournal(
      this.journal,
      (row) => !row.deviceId || !deps.devices.isShared(row.deviceId),
    );
    const abort = new AbortController();
    const onJobAbort = () => abort.abort(new RunInterrupted('shutdown', 'the worker is shutting down'));
    jobSignal?.addEventListener('abort', onJobAbort, { once: true });
    const unsubscribe = deps.control.onImmediate((target, request) => {
      if (target !== '*' && target !== runId) return;
      if (request.kind === 'pause' && request.mode === 'safe-point') return;
      abort.abort(new RunInterrupted(request.kind === 'pause' ? 'pause' : request.kind, request.reason));
    });
    // A lease of this run found lost (renewal, fencing gate, check after a stall): stop acting at once.
    const offLost = deps.leases.onLost((grant) => {
      if (grant.holder === `${deps.workerId}/${runId}` && !abort.signal.aborted)
        abort.abort(new LeaseLost(grant.resource, grant.lost ?? 'taken over'));
    });
    const ctx: RunContext = {
      runId,
      protocol,
      plan,
      inventory: deps.inventory,
      station,
      samples,
      clock: deps.clock,
      signal: abort.signal,
      holder: `${deps.workerId}/${runId}`,
      devices: deps.devices,
      leases: deps.leases,
      operator: deps.operator,
      journal,
      ledger: deps.repositories.ledger,
      readings: deps.repositories.readings,
      mi: deps.repositories,
      sampleRepo,
      log: deps.log,
      journalRows,
      recorded: new Map(),
      timeline: timelineFrom(plan, journalRows),
      commandTimeoutMs: deps.commandTimeoutMs ?? 5000,
      // A run whose soak has started (the journal says so) had ended every step before it: after parking, or after a
      // crash during a visit, those are only replayed.
      ...soakReached(plan, journalRows),
    };
    deps.log({ runId, station: station.id, steps: plan.steps.length }, 'run started');
    try {
      for (let i = 0; i < plan.steps.length; i++) {
        const keep = plan.steps.slice(i + 1, i + 2).flatMap((s) => sharedDevicesOf(ctx, s));
        await runStep(ctx, plan.steps[i], deps.control, keep);
        if (abort.signal.aborted) throw abort.signal.reason as Error;
      }
      await journal.settled();
      await this.recordResults(ctx, run);
      const done = await this.runs.transition(runId, 'running', 'completed', {
        reason: samples.every((s) => s.invalidReason)
          ? `no valid sample: ${samples[0]?.invalidReason ?? 'none'}`
          : undefined,
      });
      deps.log({ runId }, 'run completed');
      return { state: done.state, reason: done.stateReason ?? undefined };
    } catch (e) {
      // Every confirmation sent is written (or known lost: its step stays dispatched) before the run's state changes.
      await journal.settled().catch(() => undefined);
      return await this.settleFailure(ctx, e);
    } finally {
      unsubscribe();
      offLost();
      jobSignal?.removeEventListener('abort', onJobAbort);
      await deps.leases.releaseAllOf(ctx.holder);
    }
  }

  /** What a failure means for the run: paused, waiting for a person, aborted or failed — always with the reason. */
  private async settleFailure(ctx: RunContext, e: unknown): Promise<RunOutcome> {
    const { deps } = this;
    // Whatever the step threw on the way out, a lost lease is why the run stopped.
    const error =
      ctx.signal.reason instanceof LeaseLost
        ? ctx.signal.reason
        : e instanceof Error
          ? e
          : new Error(String(e));
    const interrupted =
      error instanceof RunInterrupted
        ? error
        : ctx.signal.reason instanceof RunInterrupted
          ? (ctx.signal.reason as RunInterrupted)
          : undefined;
    const station = ctx.station;
    const stationSafe = async () => {
      // A run in its soak uses no device of the station, which may be serving another run meanwhile.
      if (ctx.finishedBeforeSoak) return;
      await Promise.all(
        deps.devices
          .ownedDevices()
          .filter((d) => station.devices.includes(d.id))
          .map((d) => d.safeState({ timeoutMs: 10_000 }).catch(() => undefined)),
      );
    };
    let to: 'paused' | 'waiting-operator' | 'aborted' | 'failed';
    let reason: string;
    if (error instanceof RunParked) {
      // Not a failure: nothing is in flight, the films lie in the soak bath; the station is free meanwhile.
      const run = await this.runs.transition(ctx.runId, 'running', 'soaking', { reason: error.reason });
      deps.log({ runId: ctx.runId, reason: error.reason }, 'run soaking');
      return { state: run.state, reason: error.reason, resumeAtLabMs: error.untilLabMs };
    } else if (interrupted?.kind === 'pause') {
      to = 'paused';
      reason = interrupted.reason;
      await deps.control.clear(ctx.runId);
    } else if (interrupted?.kind === 'abort' || interrupted?.kind === 'estop') {
      to = 'aborted';
      reason = interrupted.reason;
      await stationSafe();
    } else if (interrupted?.kind === 'shutdown') {
      // The worker stops: the run stays `running` and the next worker start continues it from the journal.
      await stationSafe();
      deps.log({ runId: ctx.runId }, 'run left for continuation after shutdown');
      return { state: 'running', reason: interrupted.reason };
    } else if (isDatabaseUnavailable(error)) {
      // The journal could not be written, so the step stopped before its next move; the run is not at fault. It
      // stays `running` (no state could be written anyway) and the worker reconciles and continues it once the
      // database answers (the stuck-run sweep), as after a crash.
      await stationSafe();
      const cause = databaseFailureMessage(error);
      deps.log({ runId: ctx.runId, err: cause }, 'run left for continuation: database unreachable');
      return { state: 'running', reason: `database unreachable: ${cause}` };
    } else if (error instanceof DeviceError) {
      // Raised outside a journaled dispatch (journaled turns its own into uncertain or failed steps): opening a
      // device, or a read before a command — e.g. the broker restarting, or a device whose status has not come
      // back yet. Nothing physical was sent, so the run pauses with the reason and is resumed once the device
      // answers, rather than fail.
      to = 'paused';
      reason = `${error.message}; resume the run once ${error.deviceId} is reachable again`;
      await stationSafe();
    } else if (error instanceof NothingDelivered) {
      to = 'paused';
      reason = `${error.reason}; nothing was delivered; resume the run once ${error.deviceId} answers again`;
      await stationSafe();
    } else if (error instanceof SafetyRefusal) {
      to = 'paused';
      reason = error.reason;
    } else if (error instanceof OperatorNeededError) {
      to = 'waiting-operator';
      reason = error.reason;
      await stationSafe();
    } else {
      to = 'failed';
      reason = error.message;
      await stationSafe();
    }
    const run = await this.runs.transition(ctx.runId, 'running', to, { reason }).catch(() => undefined);
    deps.log({ runId: ctx.runId, state: to, reason }, `run ${to}`);
    return { state: run?.state ?? to, reason };
  }

  /** Outputs per valid sample, with uncertainty and the manifest hash, through the outbox (exactly once per result id). */
  private async recordResults(ctx: RunContext, run: Run): Promise<void> {
    const identities = this.deps.deviceIdentities?.() ?? {};
    const hash = manifestHash({
      protocol: { id: run.protocolId, version: run.protocolVersion, contentHash: ctx.plan.hash },
      parameters: ctx.plan.parameters,
      inventory: this.deps.inventory,
      devices: Object.fromEntries(
        this.deps.inventory.devices.map((d) => [d.id, { driver: d.driver, firmware: identities[d.id] }]),
      ),
      calibrations: Object.fromEntries(ctx.plan.calibrations.map((c) => [c.calibrationId, c])),
      optimizerModelVersion: (await this.deps.optimizerModelVersion?.(run)) ?? undefined,
    });
    await this.runs.setManifestHash(ctx.runId, hash);
    const items = [];
    for (const sample of ctx.samples) {
      if (sample.invalidReason) continue;
      const recorded = ctx.recorded.get(sample.id) ?? {};
      let outputs;
      try {
        outputs = outputsWithUncertainty(ctx.protocol, recorded, ctx.plan.parameters);
      } catch (e) {
        this.deps.log(
          { runId: ctx.runId, sampleId: sample.id, err: (e as Error).message },
          'outputs not computable',
        );
        continue;
      }
      for (const o of outputs)
        items.push({
          sampleId: sample.id,
          name: o.name,
          value: o.value,
          unit: o.unit,
          uncertainty: o.uncertainty,
          manifestHash: hash,
        });
    }
    if (items.length) await this.deps.repositories.results.recordResults(ctx.runId, items);
    for (const sample of ctx.samples) {
      if (!sample.invalidReason)
        await ctx.sampleRepo.setStatus(sample.id, 'grafted', undefined, ctx.holder).catch(() => undefined);
    }
  }
}

/** The steps before a soak whose start the journal holds: they had all ended (the engine runs steps in order). */
function soakReached(
  plan: ExecutionPlan,
  rows: Map<string, JournalEntry>,
): { finishedBeforeSoak?: ReadonlySet<string> } {
  const at = plan.steps.findIndex(
    (s) => s.type === 'soak' && rows.get(`${s.key}/start`)?.state === 'confirmed',
  );
  return at < 0 ? {} : { finishedBeforeSoak: new Set(plan.steps.slice(0, at).map((s) => s.key)) };
}

/** Lab-clock start and end of the steps already journaled (a continued run keeps its time windows). */
function timelineFrom(
  plan: ExecutionPlan,
  rows: Map<string, JournalEntry>,
): Map<string, { start?: number; end?: number }> {
  const timeline = new Map<string, { start?: number; end?: number }>();
  for (const step of plan.steps) {
    let start: number | undefined;
    let end: number | undefined;
    let allDone = true;
    let any = false;
    for (const [key, row] of rows) {
      if (key !== step.key && !key.startsWith(step.key + '/')) continue;
      any = true;
      const s = (row.request as { labStart?: number } | null)?.labStart;
      const e = (row.readBack as { labEnd?: number } | null)?.labEnd;
      if (s !== undefined) start = Math.min(start ?? s, s);
      if (e !== undefined) end = Math.max(end ?? e, e);
      if (row.state !== 'confirmed') allDone = false;
    }
    if (any) timeline.set(step.key, { start, end: allDone ? end : undefined });
  }
  return timeline;
}
