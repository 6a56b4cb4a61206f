import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@graftlab/config';
import {
  InvalidTransitionError,
  JournalRepository,
  NotFoundError,
  ReadingsRepository,
  ResultsRepository,
  RunsRepository,
  type GraftlabDb,
  type Run,
  type RunState,
} from '@graftlab/db';
import { RunSubmitter, SubmissionRefused, type SubmitRunRequest } from '@graftlab/admission';
import type { Inventory } from '@graftlab/inventory';
import { DocumentError, toPointer } from '@graftlab/validation';
import { runsSubmitted } from '@graftlab/observability';
import type { StationQueues } from '@graftlab/queue';
import { DATABASE, INVENTORY, KEYS, REDIS, RedisRunControl, STATION_QUEUES } from '@graftlab/runtime';

/** Runs as the API sees them: submitted here, executed by a worker, controlled through Redis. Never a device. */
@Injectable()
export class RunsService implements OnApplicationShutdown {
  private readonly runs: RunsRepository;
  private readonly control: RedisRunControl;
  readonly submitter: RunSubmitter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE) private readonly db: GraftlabDb,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(INVENTORY) inventory: Inventory,
    @Inject(STATION_QUEUES) readonly queues: StationQueues,
  ) {
    this.runs = new RunsRepository(db);
    this.control = new RedisRunControl(redis);
    this.submitter = new RunSubmitter({
      db,
      inventory,
      enqueue: (station, runId, priority) => this.enqueue(station, runId, priority, 0),
      liveStations: () => this.liveStations(),
    });
  }

  async submit(request: SubmitRunRequest, options: { actor?: string; mayApproveDose?: boolean } = {}) {
    const result = await this.submitter.submit(request, options);
    if (result.created) runsSubmitted.inc();
    return result;
  }

  async get(id: string): Promise<Run> {
    const run = await this.runs.get(id);
    if (!run) throw new NotFoundError('run', id);
    return run;
  }

  list(state?: RunState, limit = 200): Promise<Run[]> {
    return this.runs.list({ states: state ? [state] : undefined, limit });
  }

  /** The run with its steps (journal), readings and results by output name. */
  async detail(id: string) {
    const run = await this.get(id);
    const [journal, transitions, readings, results, sampleIds] = await Promise.all([
      new JournalRepository(this.db).forRun(id),
      new JournalRepository(this.db).transitions(id),
      new ReadingsRepository(this.db).forRun(id),
      new ResultsRepository(this.db).forRun(id),
      this.runs.sampleIds(id),
    ]);
    const plan = await this.submitter.planFor(run).catch(() => undefined);
    const steps = (plan?.steps ?? []).map((s) => {
      const rows = journal.filter((j) => j.stepKey === s.key || j.stepKey.startsWith(s.key + '/'));
      const states = rows.map((r) => r.state);
      const state = !rows.length
        ? 'planned'
        : states.some((x) => x === 'uncertain')
          ? 'uncertain'
          : states.some((x) => x === 'failed')
            ? 'failed'
            : states.every((x) => x === 'confirmed' || x === 'settled' || x === 'skipped')
              ? 'confirmed'
              : 'running';
      return {
        key: s.key,
        type: s.type,
        title: s.title,
        state,
        estimatedDurationS: s.estimatedDurationS,
        startOffsetS: s.startOffsetS,
        startedAt: rows[0]?.createdAt ?? null,
        finishedAt: rows.every((r) => r.finishedAt) ? (rows.at(-1)?.finishedAt ?? null) : null,
        commands: rows.map((r) => ({
          key: r.stepKey,
          commandId: r.commandId,
          attempt: r.attempt,
          state: r.state,
          deviceId: r.deviceId,
          request: r.request,
          readBack: r.readBack,
          reason: r.reason,
        })),
        readings: readings
          .filter((r) => r.stepKey === s.key)
          .map((r) => ({
            name: r.name,
            value: r.value,
            unit: r.unit,
            sampleId: r.sampleId,
            deviceId: r.deviceId,
            at: r.deviceTimestamp ?? r.receivedAt,
          })),
      };
    });
    const byName: Record<
      string,
      { sampleId: string; value: number; unit: string | null; uncertainty: number | null }[]
    > = {};
    for (const r of results)
      (byName[r.name] ??= []).push({
        sampleId: r.sampleId,
        value: r.value,
        unit: r.unit,
        uncertainty: r.uncertainty,
      });
    const flat: Record<
      string,
      { value: number; unit: string | null; uncertainty: number | null; sampleId: string }
    > = {};
    for (const [name, list] of Object.entries(byName)) flat[name] = list[0];
    return {
      id: run.id,
      state: run.state,
      reason: run.stateReason,
      station: run.station,
      protocol: { id: run.protocolId, version: run.protocolVersion, hash: run.protocolHash },
      parameters: run.parameterValues,
      priority: run.priority,
      samples: sampleIds,
      manifestHash: run.manifestHash,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      estimatedDurationS: plan?.totalDurationS ?? null,
      plan: plan ?? null,
      planHash: run.planHash,
      steps,
      transitions: transitions.map((t) => ({
        stepKey: t.stepKey,
        from: t.fromState,
        to: t.toState,
        at: t.at,
      })),
      results: flat,
      resultsBySample: byName,
    };
  }

  async pause(id: string, mode: 'safe-point' | 'now', reason: string): Promise<Run> {
    let run = await this.get(id);
    if (run.state === 'queued') {
      const paused = await this.runs.transition(id, 'queued', 'paused', { reason }).catch((e: unknown) => {
        if (e instanceof InvalidTransitionError) return undefined; // its worker took it meanwhile
        throw e;
      });
      if (paused) return paused;
      run = await this.get(id);
    }
    if (run.state !== 'running')
      throw new SubmissionRefused(
        409,
        `run ${id} is ${run.state}; only a queued or running run can be paused`,
      );
    await this.control.request(id, { kind: 'pause', mode, reason });
    return run;
  }

  /**
   * Resumes a paused run or one waiting for a person. Each uncertain step needs a person's resolution: one for all
   * (`all`) or per step key (`byStep`, which wins); a step key that is not uncertain is refused, so a typo never
   * passes for a resolution. Nothing is written unless every uncertain step is resolved.
   */
  async resume(
    id: string,
    resolutions: { all?: 'done' | 'redo'; byStep?: Readonly<Record<string, 'done' | 'redo'>> } = {},
  ): Promise<Run> {
    const run = await this.get(id);
    if (run.state !== 'paused' && run.state !== 'waiting-operator') {
      throw new SubmissionRefused(
        409,
        `run ${id} is ${run.state}; only a paused run or one waiting for an operator can be resumed`,
      );
    }
    const journal = new JournalRepository(this.db);
    const uncertain = (await journal.findUnsettled(id)).filter((r) => r.state === 'uncertain');
    const byStep = resolutions.byStep ?? {};
    const unknown = Object.keys(byStep).filter((k) => !uncertain.some((u) => u.stepKey === k));
    if (unknown.length)
      throw new DocumentError(
        unknown.map((k) => ({
          pointer: toPointer(['resolutions', k]),
          message: `step ${JSON.stringify(k)} is not uncertain in run ${id}; expected one of: ${uncertain.map((u) => u.stepKey).join(', ') || 'none (nothing to resolve)'}`,
        })),
      );
    const unresolved = uncertain.filter((u) => !byStep[u.stepKey] && !resolutions.all);
    if (unresolved.length) {
      throw new SubmissionRefused(
        409,
        `run ${id} has uncertain step(s) ${unresolved.map((u) => u.stepKey).join(', ')}: resume with "resolution": "done" (the effect happened) or "redo", or per step in "resolutions"`,
      );
    }
    for (const row of uncertain) {
      const resolution = byStep[row.stepKey] ?? resolutions.all;
      // A person says a move happened: the film's place is written with the settlement, in one commit.
      const to = (row.request as { to?: unknown } | null)?.to;
      const moved =
        resolution === 'done' && row.stepKey.includes('/move/') && row.sampleId && typeof to === 'string';
      await journal.record({
        runId: id,
        stepKey: row.stepKey,
        attempt: row.attempt,
        to: 'settled',
        readBack: { resolution, byOperator: true },
        ...(moved
          ? { sampleMove: { sampleId: row.sampleId!, to, reason: `operator resolved ${row.stepKey}` } }
          : {}),
      });
    }
    await this.control.clear(id);
    const queued = await this.runs.transition(id, run.state, 'queued', { reason: 'resumed' });
    await this.enqueue(queued.station!, id, undefined, Date.now()); // under way: ahead of runs not started
    return queued;
  }

  async abort(id: string, reason: string): Promise<Run> {
    const run = await this.get(id);
    if (['completed', 'failed', 'aborted'].includes(run.state))
      throw new SubmissionRefused(409, `run ${id} is already ${run.state}`);
    if (run.state === 'running') {
      await this.control.request(id, { kind: 'abort', reason });
      return run;
    }
    const aborted = await this.runs.transition(id, run.state, 'aborted', { reason });
    await this.queues
      .queueFor(run.station!)
      .remove(id)
      .catch(() => undefined);
    return aborted;
  }

  /** Every worker puts every device it holds in its safe state at once; every running run aborts. */
  async estop(reason: string): Promise<{ requested: true; workers: number }> {
    await this.control.request('*', { kind: 'estop', reason });
    const workers = await this.redis.hlen(KEYS.workers);
    return { requested: true, workers };
  }

  /** Clears a latched e-stop so runs may be submitted and resumed again. */
  async resetEstop(): Promise<void> {
    await this.control.clear('*');
  }

  async estopActive(): Promise<boolean> {
    return (await this.redis.hexists(KEYS.control, '*')) === 1;
  }

  async queueCounts(stationId: string): Promise<Record<string, number>> {
    return this.queues.queueFor(stationId).counts();
  }

  private async enqueue(
    stationId: string,
    runId: string,
    priority: number | undefined,
    continuation: number,
  ): Promise<void> {
    await this.queues.queueFor(stationId).add({ runId, continuation }, priority);
  }

  private async liveStations(): Promise<string[]> {
    const all = await this.redis.hvals(KEYS.workers);
    const fresh = all
      .map((v) => JSON.parse(v) as { stations: string[]; at: number })
      .filter((w) => Date.now() - w.at < 30_000);
    return fresh.flatMap((w) => w.stations);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close();
  }
}
