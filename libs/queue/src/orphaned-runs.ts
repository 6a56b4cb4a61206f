import type { JobState, Queue } from 'bullmq';

/** Job states in which a worker will still take the job. */
const PENDING: JobState[] = ['waiting', 'prioritized', 'delayed', 'waiting-children'];

/** The run a job executes: its id is the run id, or `<runId>.c<n>` for a continuation (see runJobOptions). */
export function runIdOfJob(jobId: string): string {
  return jobId.replace(/\.c\d+$/, '');
}

/**
 * Runs the database calls `queued` that no job will ever execute. A worker killed after BullMQ handed it a job but
 * before the run was marked `running` leaves the job active under a dead lock; BullMQ then fails it as stalled
 * (maxStalledCount 0: physical work is never re-run blindly), and the run would wait forever. The same holds for a
 * crash between the database write and the enqueue. A queued run has not touched an instrument, so the caller
 * may safely enqueue a continuation. `executing` are the runs this process is working on (their jobs are active).
 */
export async function orphanedRuns(
  queue: Queue,
  queuedRunIds: readonly string[],
  executing: ReadonlySet<string>,
): Promise<string[]> {
  return withoutJob(queue, queuedRunIds, executing, PENDING);
}

/**
 * Runs the database calls `running` that no job executes or will execute. A run whose state could not be written
 * (the database was unreachable) is left `running` when its job ends; without this it would wait for the worker's
 * next restart. An active job counts here: on its station's queue it can only be this process's, about to start.
 */
export async function strandedRuns(
  queue: Queue,
  runningRunIds: readonly string[],
  executing: ReadonlySet<string>,
): Promise<string[]> {
  return withoutJob(queue, runningRunIds, executing, [...PENDING, 'active']);
}

async function withoutJob(
  queue: Queue,
  runIds: readonly string[],
  executing: ReadonlySet<string>,
  states: JobState[],
): Promise<string[]> {
  const candidates = runIds.filter((runId) => !executing.has(runId));
  if (!candidates.length) return [];
  // One read of the jobs' ids (first jobs and continuations alike), however long the queue.
  const jobs = new Set((await queue.getRanges(states, 0, -1)).map(runIdOfJob));
  return candidates.filter((runId) => !jobs.has(runId));
}
