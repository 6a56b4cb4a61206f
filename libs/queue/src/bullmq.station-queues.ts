import { DelayedError, Queue, Worker, type ConnectionOptions, type Job, type JobState } from 'bullmq';
import { runJobOptions, STATION_WORKER_OPTIONS } from './job-options';
import { QUEUE_PREFIX, soakVisitQueueName, stationQueueName } from './queue-names';
import { runIdOfJob } from './run-job.id';
import {
  RetryLater,
  type JobPresence,
  type QueueLane,
  type RunJob,
  type RunJobHandler,
  type StationConsumer,
  type StationQueue,
  type StationQueues,
} from './station-queue';
import type { JobName } from './job-catalogue';

function queueName(stationId: string, lane: QueueLane): string {
  return lane === 'runs' ? stationQueueName(stationId) : soakVisitQueueName(stationId);
}

const PENDING: JobState[] = ['waiting', 'prioritized', 'delayed', 'waiting-children'];
const RUN_JOB: JobName = 'run.execute';

/** A station queue on BullMQ. */
export class BullStationQueue implements StationQueue {
  constructor(
    readonly stationId: string,
    /** The BullMQ queue itself, for Bull Board. */
    readonly bull: Queue,
  ) {}

  async add(job: RunJob, priority?: number, options: { readonly delayMs?: number } = {}): Promise<void> {
    await this.bull.add(
      RUN_JOB,
      { runId: job.runId, continuation: job.continuation },
      runJobOptions(job.runId, job.continuation, priority, options.delayMs),
    );
  }

  async remove(runId: string): Promise<void> {
    await this.bull.remove(runId);
  }

  async counts(): Promise<Record<string, number>> {
    return this.bull.getJobCounts('waiting', 'active', 'prioritized', 'delayed', 'failed', 'completed');
  }

  async runsWithJobs(presence: JobPresence): Promise<Set<string>> {
    const states = presence === 'pending' ? PENDING : [...PENDING, 'active' as const];
    // One read of the jobs' ids (first jobs and continuations alike), however long the queue.
    return new Set((await this.bull.getRanges(states, 0, -1)).map(runIdOfJob));
  }
}

/** Station queues on BullMQ over one Redis connection setting; queues are made once per station. */
export class BullStationQueues implements StationQueues {
  private readonly queues = new Map<string, BullStationQueue>();
  private readonly consumers = new Set<Worker>();

  constructor(private readonly connection: () => ConnectionOptions) {}

  queueFor(stationId: string, lane: QueueLane = 'runs'): BullStationQueue {
    const name = queueName(stationId, lane);
    let q = this.queues.get(name);
    if (!q) {
      q = new BullStationQueue(
        stationId,
        new Queue(name, { connection: this.connection(), prefix: QUEUE_PREFIX }),
      );
      this.queues.set(name, q);
    }
    return q;
  }

  consume(
    stationId: string,
    handler: RunJobHandler,
    onFailed?: (job: RunJob | undefined, error: Error) => void,
    options: { readonly lane?: QueueLane; readonly concurrency?: number } = {},
  ): StationConsumer {
    const worker = new Worker<RunJob, unknown>(
      queueName(stationId, options.lane ?? 'runs'),
      async (job: Job<RunJob>, token?: string, signal?: AbortSignal) => {
        if (job.name !== RUN_JOB) throw new Error(`no handler for job ${job.name}`);
        try {
          return await handler(job.data, signal ?? new AbortController().signal);
        } catch (e) {
          if (!(e instanceof RetryLater)) throw e;
          await job.moveToDelayed(Date.now() + e.delayMs, token);
          throw new DelayedError(e.message);
        }
      },
      {
        ...STATION_WORKER_OPTIONS,
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        connection: this.connection(),
      },
    );
    if (onFailed) worker.on('failed', (job, err) => onFailed(job?.data, err));
    worker.on('error', (err) => onFailed?.(undefined, err));
    this.consumers.add(worker);
    void worker.run();
    return {
      close: async (cancel?: string) => {
        if (cancel) worker.cancelAllJobs(cancel);
        await worker.close();
        this.consumers.delete(worker);
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.bull.close()));
  }
}
