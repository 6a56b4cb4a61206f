import { StationHeld } from '@graftlab/engine';
import { MemoryStationQueues, type RunJob } from '@graftlab/queue';
import { STATION_HELD_RETRY_MS, StationProcessor } from './station.processor';

/** The processor against the in-memory station queues: no Redis, the same contract as BullMQ's driver. */
describe('station processor on the in-memory queue', () => {
  const done = (n: number, seen: string[]) =>
    new Promise<void>((resolve) => {
      const check = () => (seen.length >= n ? resolve() : setTimeout(check, 5));
      check();
    });

  it('executes one run at a time per station, runs under way first, then by priority, then in order', async () => {
    const queues = new MemoryStationQueues();
    const seen: string[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const engine = {
      execute: async (runId: string) => {
        maxConcurrent = Math.max(maxConcurrent, ++concurrent);
        await new Promise((r) => setTimeout(r, 5));
        seen.push(runId);
        concurrent--;
        return { state: 'completed' as const };
      },
    };
    const processor = new StationProcessor(engine, () => undefined);
    const q = queues.queueFor('reactor-1');
    await q.add({ runId: 'low', continuation: 0 }, -5);
    await q.add({ runId: 'high', continuation: 0 }, 10);
    await q.add({ runId: 'under-way', continuation: 17 }); // a continuation: no priority, goes first
    await q.add({ runId: 'high', continuation: 0 }, 10); // idempotent by job id
    const consumer = queues.consume('reactor-1', (job: RunJob, signal) => processor.process(job, signal));
    await done(3, seen);
    await consumer.close();
    expect(seen).toEqual(['under-way', 'high', 'low']);
    expect(maxConcurrent).toBe(1);
    expect(processor.executing.size).toBe(0);
    expect(await q.runsWithJobs('pending')).toEqual(new Set());
  });

  it('gives a run whose station is held back to the queue for later, and logs the holder once', async () => {
    const queues = new MemoryStationQueues();
    const logged: unknown[] = [];
    let attempts = 0;
    const engine = {
      execute: (runId: string) => {
        attempts++;
        if (attempts < 3) return Promise.reject(new StationHeld('reactor-1', 'other-run', 'paused'));
        return Promise.resolve({ state: 'completed' as const, runId });
      },
    };
    const processor = new StationProcessor(engine, (event) => logged.push(event));
    const q = queues.queueFor('reactor-1');
    await q.add({ runId: 'waiting', continuation: 0 }, 0);
    const started = Date.now();
    const consumer = queues.consume('reactor-1', (job, signal) => processor.process(job, signal));
    await new Promise<void>((resolve) => {
      const check = () => (attempts >= 3 ? resolve() : setTimeout(check, 10));
      check();
    });
    await consumer.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * STATION_HELD_RETRY_MS - 50);
    expect(logged).toEqual([{ runId: 'waiting', station: 'reactor-1', heldBy: 'other-run' }]);
  }, 15_000);

  it('reports a failed run job and goes on with the next', async () => {
    const queues = new MemoryStationQueues();
    const failed: string[] = [];
    const seen: string[] = [];
    const engine = {
      execute: (runId: string) => {
        seen.push(runId);
        return runId === 'bad'
          ? Promise.reject(new Error('boom'))
          : Promise.resolve({ state: 'completed' as const });
      },
    };
    const processor = new StationProcessor(engine, () => undefined);
    const q = queues.queueFor('reactor-2');
    await q.add({ runId: 'bad', continuation: 0 }, 1);
    await q.add({ runId: 'good', continuation: 0 }, 0);
    const consumer = queues.consume(
      'reactor-2',
      (job, signal) => processor.process(job, signal),
      (job, e) => failed.push(`${job?.runId}: ${e.message}`),
    );
    await done(2, seen);
    await consumer.close();
    expect(failed).toEqual(['bad: boom']);
    expect(seen).toEqual(['bad', 'good']);
  });
});
