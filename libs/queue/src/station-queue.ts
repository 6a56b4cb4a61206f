/**
 * The seam between the lab's runs and the queue technology (as twenty's message-queue drivers): one queue per
 * station, a first job per run and continuation jobs after a restart or a resume. BullMQ drives it in the
 * processes; an in-memory driver runs the same contract in unit tests.
 */

/** What a station queue carries: a run to execute (or continue; the journal makes that idempotent). */
export interface RunJob {
  readonly runId: string;
  /** 0 for the first job of a run; a fresh number (a time) for each continuation. */
  readonly continuation: number;
}

/**
 * A station's two lanes: its runs (one at a time: a station runs one protocol at a time) and its soak visits (a
 * soaking run's next visit, which uses only shared instruments and the soak bath, so it does not wait behind the
 * run the station executes; see docs/soak.md).
 */
export type QueueLane = 'runs' | 'visits';

/** Job states as the sweeper asks about them: waiting to be taken (any kind of wait), or taken. */
export type JobPresence = 'pending' | 'pending-or-active';

export interface StationQueue {
  readonly stationId: string;
  /**
   * Puts a run's job on the queue, idempotent by job id (run id, or run id + continuation). `priority` places a
   * run that has not started among the others (higher first); a run under way has none and goes first.
   */
  add(job: RunJob, priority?: number, options?: { readonly delayMs?: number }): Promise<void>;
  /** Removes a run's first job (a run aborted while queued). */
  remove(runId: string): Promise<void>;
  /** Job counts by state, for the dashboard and the metrics. */
  counts(): Promise<Record<string, number>>;
  /** Runs that have a job in the queue, pending or (with 'pending-or-active') taken by a worker. */
  runsWithJobs(presence: JobPresence): Promise<Set<string>>;
}

/** Thrown by a handler when its run cannot go now (its station is held): the job comes back after the delay. */
export class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

export type RunJobHandler = (job: RunJob, signal: AbortSignal) => Promise<unknown>;

export interface StationConsumer {
  /** Stops taking jobs; running handlers are signalled (`cancel` is the abort reason) and awaited. */
  close(cancel?: string): Promise<void>;
}

export interface StationQueues {
  queueFor(stationId: string, lane?: QueueLane): StationQueue;
  /** Starts taking the lane's jobs (runs: one at a time; visits: a few at once). */
  consume(
    stationId: string,
    handler: RunJobHandler,
    onFailed?: (job: RunJob | undefined, error: Error) => void,
    options?: { readonly lane?: QueueLane; readonly concurrency?: number },
  ): StationConsumer;
  close(): Promise<void>;
}
