import { runJobOptions } from './job-options';
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

interface Entry {
  readonly id: string;
  readonly job: RunJob;
  /** Lower first, as BullMQ; undefined (a run under way) before every prioritised job. */
  readonly priority?: number;
  readonly seq: number;
  notBefore: number;
  state: 'pending' | 'active' | 'done';
}

/**
 * Station queues in memory, with the BullMQ driver's contract (job ids, priorities, runs under way first, a
 * handler at a time per station, RetryLater): for unit tests of the engine's processors without Redis.
 */
export class MemoryStationQueue implements StationQueue {
  readonly entries = new Map<string, Entry>();
  private seq = 0;
  wake: () => void = () => undefined;

  constructor(readonly stationId: string) {}

  add(job: RunJob, priority?: number, options: { readonly delayMs?: number } = {}): Promise<void> {
    const jobOptions = runJobOptions(job.runId, job.continuation, priority, options.delayMs);
    const id = jobOptions.jobId!;
    if (!this.entries.has(id))
      this.entries.set(id, {
        id,
        job,
        priority: jobOptions.priority,
        seq: this.seq++,
        notBefore: Date.now() + (jobOptions.delay ?? 0),
        state: 'pending',
      });
    this.wake();
    return Promise.resolve();
  }

  remove(runId: string): Promise<void> {
    const e = this.entries.get(runId);
    if (e?.state === 'pending') this.entries.delete(runId);
    return Promise.resolve();
  }

  counts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {
      waiting: 0,
      active: 0,
      prioritized: 0,
      delayed: 0,
      completed: 0,
      failed: 0,
    };
    const now = Date.now();
    for (const e of this.entries.values()) {
      if (e.state === 'active') counts.active++;
      else if (e.state === 'done') counts.completed++;
      else if (e.notBefore > now) counts.delayed++;
      else if (e.priority !== undefined) counts.prioritized++;
      else counts.waiting++;
    }
    return Promise.resolve(counts);
  }

  runsWithJobs(presence: JobPresence): Promise<Set<string>> {
    const runs = [...this.entries.values()]
      .filter((e) => e.state === 'pending' || (presence === 'pending-or-active' && e.state === 'active'))
      .map((e) => e.job.runId);
    return Promise.resolve(new Set(runs));
  }

  /** The next job a worker would take now: runs under way first, then by priority, then in order. */
  next(): Entry | undefined {
    const now = Date.now();
    return [...this.entries.values()]
      .filter((e) => e.state === 'pending' && e.notBefore <= now)
      .sort(
        (a, b) =>
          Number(a.priority !== undefined) - Number(b.priority !== undefined) ||
          (a.priority ?? 0) - (b.priority ?? 0) ||
          a.seq - b.seq,
      )[0];
  }
}

export class MemoryStationQueues implements StationQueues {
  private readonly queues = new Map<string, MemoryStationQueue>();
  private readonly consumers = new Set<StationConsumer>();

  queueFor(stationId: string, lane: QueueLane = 'runs'): MemoryStationQueue {
    const key = `${stationId}/${lane}`;
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = new MemoryStationQueue(stationId)));
    return q;
  }

  consume(
    stationId: string,
    handler: RunJobHandler,
    onFailed?: (job: RunJob | undefined, error: Error) => void,
    options: { readonly lane?: QueueLane; readonly concurrency?: number } = {},
  ): StationConsumer {
    const queue = this.queueFor(stationId, options.lane ?? 'runs');
    const concurrency = options.concurrency ?? 1;
    const abort = new AbortController();
    const running = new Set<Promise<void>>();
    let timer: NodeJS.Timeout | undefined;
    const pump = (): void => {
      clearTimeout(timer);
      while (running.size < concurrency && !abort.signal.aborted) {
        const entry = queue.next();
        if (!entry) break;
        entry.state = 'active';
        const done: Promise<void> = handler(entry.job, abort.signal).then(
          () => void (entry.state = 'done'),
          (e: Error) => {
            if (e instanceof RetryLater) {
              entry.state = 'pending';
              entry.notBefore = Date.now() + e.delayMs;
            } else {
              entry.state = 'done';
              onFailed?.(entry.job, e);
            }
          },
        );
        running.add(done);
        void done.finally(() => {
          running.delete(done);
          pump();
        });
      }
      // A delayed job becomes due later: look again then.
      const due = [...queue.entries.values()].filter((e) => e.state === 'pending').map((e) => e.notBefore);
      if (due.length && !abort.signal.aborted)
        timer = setTimeout(pump, Math.max(0, Math.min(...due) - Date.now()));
    };
    queue.wake = pump;
    queueMicrotask(pump);
    const consumer: StationConsumer = {
      close: async (cancel?: string) => {
        if (cancel) abort.abort(new Error(cancel));
        else abort.abort();
        clearTimeout(timer);
        queue.wake = () => undefined;
        await Promise.all(running);
        this.consumers.delete(consumer);
      },
    };
    this.consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.close()));
  }
}
