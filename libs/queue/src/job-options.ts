import { QUEUE_PREFIX } from './queue-names';
import type { JobsOptions, WorkerOptions } from 'bullmq';

/**
 * Runs move matter and radiation: BullMQ never retries them and never re-runs a stalled one
 * (maxStalledCount 0); the journal and the reconciler decide what happens after a crash.
 * The run record lives in the MI database, so Redis keeps finished jobs only briefly.
 * `runPriority` places a run that has not started among the others; a run already under way (continued after a
 * restart or resumed) has none and goes first: its samples may be lying in a shared instrument others wait for.
 */
export function runJobOptions(
  runId: string,
  continuation: number,
  runPriority?: number,
  /** Real ms to wait first: a soaking run's next visit. */
  delayMs?: number,
): JobsOptions {
  return {
    jobId: continuation === 0 ? runId : `${runId}.c${continuation}`,
    attempts: 1,
    ...(delayMs !== undefined && delayMs > 0 ? { delay: Math.round(delayMs) } : {}),
    priority: runPriority === undefined ? undefined : bullPriority(runPriority),
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
  };
}

/**
 * A run's priority (higher first) as BullMQ's (lower first): 1000 − priority, at least 1. BullMQ takes
 * unprioritised jobs before all prioritised ones, which is kept for runs under way.
 */
export function bullPriority(runPriority: number): number {
  return Math.min(2_000_000, Math.max(1, 1000 - runPriority));
}

export const STATION_WORKER_OPTIONS: Omit<WorkerOptions, 'connection'> = {
  concurrency: 1, // a station runs one protocol at a time
  autorun: false, // consume only once the station's devices are connected and safe
  lockDuration: 60_000,
  stalledInterval: 30_000,
  maxStalledCount: 0,
  prefix: QUEUE_PREFIX,
};
