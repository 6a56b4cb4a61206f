import type { StationQueue } from './station-queue';

export { runIdOfJob } from './run-job.id';

/**
 * Runs the database calls `queued` that no job will ever execute. A worker killed after BullMQ handed it a job but
 * before the run was marked `running` leaves the job active under a dead lock; BullMQ then fails it as stalled
 * (maxStalledCount 0: physical work is never re-run blindly), and the run would wait forever. The same holds for a
 * crash between the database write and the enqueue. A queued run has not touched an instrument, so the caller
 * may safely enqueue a continuation. `executing` are the runs this process is working on (their jobs are active).
 */
export async function orphanedRuns(
  queue: StationQueue,
  queuedRunIds: readonly string[],
  executing: ReadonlySet<string>,
): Promise<string[]> {
  return withoutJob(queue, queuedRunIds, executing, false);
}

/**
 * Runs the database calls `running` that no job executes or will execute. A run whose state could not be written
 * (the database was unreachable) is left `running` when its job ends; without this it would wait for the worker's
 * next restart. An active job counts here: on its station's queue it can only be this process's, about to start.
 */
export async function strandedRuns(
  queue: StationQueue,
  runningRunIds: readonly string[],
  executing: ReadonlySet<string>,
): Promise<string[]> {
  return withoutJob(queue, runningRunIds, executing, true);
}

async function withoutJob(
  queue: StationQueue,
  runIds: readonly string[],
  executing: ReadonlySet<string>,
  active: boolean,
): Promise<string[]> {
  const candidates = runIds.filter((runId) => !executing.has(runId));
  if (!candidates.length) return [];
  const jobs = await queue.runsWithJobs(active ? 'pending-or-active' : 'pending');
  return candidates.filter((runId) => !jobs.has(runId));
}
