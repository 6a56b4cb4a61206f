import type { LabClock } from '@graftlab/clock';
import { RunsRepository, type Db } from '@graftlab/db';
import type { Reconciler } from '@graftlab/engine';
import { orphanedRuns, strandedRuns, type StationQueues } from '@graftlab/queue';

/** Queued runs younger than this are not taken for orphans (admission writes the run, then enqueues it). */
const ORPHAN_GRACE_MS = 10_000;

export interface SweeperDeps {
  readonly db: Db;
  readonly queues: StationQueues;
  readonly reconciler: Reconciler;
  readonly stations: readonly string[];
  readonly clock: LabClock;
  /** Runs this process executes now (their jobs are active here). */
  readonly executing: ReadonlySet<string>;
  readonly log: (event: Record<string, unknown>, message: string) => void;
}

/**
 * Finds the station's runs that no job will move on and gives them one: at start-up after a crash (reconciled
 * from the devices first), and periodically for orphaned queued runs and runs stranded `running`.
 */
export class RunSweeper {
  constructor(private readonly deps: SweeperDeps) {}

  /**
   * Queued runs of our stations that no job will execute are enqueued again: a worker killed between taking a
   * job and marking its run `running` leaves that job to be failed as stalled, and a crash between the database
   * write and the enqueue leaves none. A queued run has touched no instrument, so a new job is safe; a duplicate
   * one finds the run already past `queued` and does nothing.
   */
  async requeueOrphans(): Promise<void> {
    const { db, queues, stations, executing } = this.deps;
    const queued = await new RunsRepository(db).queuedOn(stations);
    for (const station of stations) {
      // A run admission has just written may not have its job yet: leave it a moment.
      const here = queued.filter(
        (r) => r.station === station && Date.now() - r.createdAt.getTime() > ORPHAN_GRACE_MS,
      );
      if (!here.length) continue;
      const orphans = await orphanedRuns(
        queues.queueFor(station),
        here.map((r) => r.id),
        executing,
      );
      for (const runId of orphans) {
        const run = here.find((r) => r.id === runId)!;
        // A run that had started (resumed, then orphaned) goes first again; one that never started keeps its place.
        const priority = run.startedAt ? undefined : run.priority;
        await this.enqueueContinuation(runId, station, priority, 'queued run had no job; re-enqueued');
      }
    }
  }

  /**
   * Runs of our stations left `running` that no job executes: a run whose state could not be written while the
   * database was unreachable is left so when its job ends. Reconciled from the devices, as after a restart, then
   * continued (or handed to an operator with the reason).
   */
  async continueStrandedRuns(): Promise<void> {
    const { db, queues, stations, executing } = this.deps;
    const running = (await new RunsRepository(db).list({ states: ['running'] })).filter(
      (r) => r.station && stations.includes(r.station),
    );
    const stranded: string[] = [];
    for (const station of stations) {
      const here = running.filter((r) => r.station === station).map((r) => r.id);
      if (here.length) stranded.push(...(await strandedRuns(queues.queueFor(station), here, executing)));
    }
    if (stranded.length)
      await this.reconcileAndContinue(stranded, 'run left running without a job; continued');
  }

  /**
   * Settles what our runs left `running` (all of them, or just `runIds`) had in flight, from the devices, then
   * continues each one that may go on; the others wait for a person with the reason.
   */
  async reconcileAndContinue(runIds?: readonly string[], why?: string): Promise<void> {
    const { continue: resumable, operator } = await this.deps.reconciler.reconcile(
      this.deps.stations,
      runIds,
    );
    for (const { run, reason } of operator)
      this.deps.log({ runId: run.id, reason }, 'run waits for an operator after reconciliation');
    for (const run of resumable) await this.enqueueContinuation(run.id, run.station!, undefined, why);
  }

  /**
   * A soaking run's job ends and its station serves other runs; the run is enqueued again for its next visit on
   * the station's visit lane, delayed by the lab time until then (docs/soak.md). The job id is fresh; the journal
   * makes the visit happen once.
   */
  async continueAtNextVisit(runId: string, resumeAtLabMs: number | undefined): Promise<void> {
    const { db, queues, clock } = this.deps;
    const run = await new RunsRepository(db).get(runId);
    if (!run?.station) return;
    const delayMs =
      resumeAtLabMs === undefined ? 0 : Math.max(0, clock.toRealMs(resumeAtLabMs - clock.now()));
    await queues
      .queueFor(run.station, 'visits')
      .add({ runId, continuation: Date.now() }, undefined, { delayMs });
    this.deps.log(
      { runId, station: run.station, delayMs: Math.round(delayMs) },
      'run soaking until its next visit',
    );
  }

  /**
   * Soaking runs of our stations whose next-visit job is gone (Redis lost it, or the worker died between ending the
   * job and enqueueing the next): enqueued again at once; the engine parks them again if the visit is not due.
   */
  async requeueSoakingRuns(): Promise<void> {
    const { db, queues, stations, executing } = this.deps;
    const soaking = (await new RunsRepository(db).list({ states: ['soaking'] })).filter(
      (r) => r.station && stations.includes(r.station),
    );
    for (const station of stations) {
      const here = soaking.filter((r) => r.station === station).map((r) => r.id);
      if (!here.length) continue;
      // Its job may wait in either lane (a continuation after a restart goes to the station's runs).
      const noVisit = await orphanedRuns(queues.queueFor(station, 'visits'), here, executing);
      for (const runId of await orphanedRuns(queues.queueFor(station), noVisit, executing)) {
        await queues.queueFor(station, 'visits').add({ runId, continuation: Date.now() });
        this.deps.log({ runId, station }, 'soaking run had no job for its next visit; enqueued');
      }
    }
  }

  private async enqueueContinuation(
    runId: string,
    stationId: string,
    priority?: number,
    why = 'run continues after restart',
  ): Promise<void> {
    // A fresh job id per continuation; the run itself is idempotent through its journal.
    await this.deps.queues.queueFor(stationId).add({ runId, continuation: Date.now() }, priority);
    this.deps.log({ runId, station: stationId }, why);
  }
}
