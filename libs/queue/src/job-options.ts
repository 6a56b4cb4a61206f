import { QUEUE_PREFIX } from './queue-names';
import type { JobsOptions, WorkerOptions } from 'bullmq';

/**
 * Runs move matter and radiation: BullMQ never retries them and never re-runs a stalled one
 * (maxStalledCount 0); the journal and the reconciler decide what happens after a crash.
 * The run record lives in the MI database, so Redis keeps finished jobs only briefly.
 */
export function runJobOptions(runId: string, continuation: number, priority?: number): JobsOptions {
  return {
    jobId: continuation === 0 ? runId : `${runId}.c${continuation}`,
    attempts: 1,
    priority,
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
  };
}

export const STATION_WORKER_OPTIONS: Omit<WorkerOptions, 'connection'> = {
  concurrency: 1, // a station runs one protocol at a time
  autorun: false, // consume only once the station's devices are connected and safe
  lockDuration: 60_000,
  stalledInterval: 30_000,
  maxStalledCount: 0,
  prefix: QUEUE_PREFIX,
};
