import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { runJobOptions } from './job-options';
import { BullStationQueue } from './bullmq.station-queues';
import { orphanedRuns, runIdOfJob, strandedRuns } from './orphaned-runs';

/** Against the machine's Redis (127.0.0.1:6379), in a prefix of its own. */
describe('orphaned queued runs', () => {
  const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
  const prefix = `graftlab-test-${randomBytes(4).toString('hex')}`;
  const name = '{station-orphans}';
  let queue: Queue;
  let worker: Worker;

  beforeAll(() => {
    queue = new Queue(name, { connection, prefix });
    // A worker without a processor: the test takes jobs by hand, like a process that is then killed.
    worker = new Worker(name, null, { connection, prefix, autorun: false, lockDuration: 60_000 });
  });

  afterAll(async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('reads the run id from first and continuation job ids', () => {
    expect(runIdOfJob('0f3a-run')).toBe('0f3a-run');
    expect(runIdOfJob('0f3a-run.c1764355200000')).toBe('0f3a-run');
  });

  it('finds the queued runs no job will execute, and only those', async () => {
    const add = (runId: string, continuation = 0) =>
      queue.add('run.execute', { runId, continuation }, runJobOptions(runId, continuation));
    await add('taken-by-dead-worker'); // handed to a worker that died before marking the run running
    const stale = await worker.getNextJob('dead-worker-token');
    expect(stale?.id).toBe('taken-by-dead-worker');
    await add('executing-run'); // handed to this process, which is executing it
    expect((await worker.getNextJob('live-token'))?.id).toBe('executing-run');
    await add('waiting-run'); // the common case: its job waits
    await queue.add(
      'run.execute',
      { runId: 'urgent-run', continuation: 0 },
      runJobOptions('urgent-run', 0, 5),
    );
    // resumed-run's first job is gone (removed after it ended); its continuation waits.
    await add('resumed-run', 1764355200000);

    const queued = [
      'executing-run',
      'waiting-run',
      'urgent-run',
      'taken-by-dead-worker',
      'resumed-run',
      'never-enqueued',
    ];
    expect(
      await orphanedRuns(new BullStationQueue('orphans', queue), queued, new Set(['executing-run'])),
    ).toEqual(['taken-by-dead-worker', 'never-enqueued']);
    // After a restart nothing executes here yet: every job held by the dead process is an orphan's.
    expect(await orphanedRuns(new BullStationQueue('orphans', queue), queued, new Set())).toEqual([
      'executing-run',
      'taken-by-dead-worker',
      'never-enqueued',
    ]);
    // BullMQ fails the stalled job later (maxStalledCount 0); the run is still an orphan then.
    await stale!.moveToFailed(new Error('job stalled more than allowable limit'), 'dead-worker-token');
    expect(
      await orphanedRuns(new BullStationQueue('orphans', queue), ['taken-by-dead-worker'], new Set()),
    ).toEqual(['taken-by-dead-worker']);
  });

  it('finds the running runs no job executes or will execute, and only those', async () => {
    // A queue of its own: the jobs above still wait in theirs.
    const stationQueue = new Queue('{station-stranded}', { connection, prefix });
    const taker = new Worker('{station-stranded}', null, {
      connection,
      prefix,
      autorun: false,
      lockDuration: 60_000,
    });
    try {
      const add = (runId: string, continuation = 0) =>
        stationQueue.add('run.execute', { runId, continuation }, runJobOptions(runId, continuation));
      // Its job ended while the run's state could not be written: the job is gone, the run still says running.
      await add('left-running');
      const ended = await taker.getNextJob('live-token');
      expect(ended?.id).toBe('left-running');
      await ended!.moveToCompleted({ state: 'running' }, 'live-token', false);
      await add('starting'); // taken by this process, whose processor has not started yet
      expect((await taker.getNextJob('live-token'))?.id).toBe('starting');
      await add('continues', 1764355200000); // its continuation waits

      const running = ['left-running', 'continues', 'starting', 'executing-here'];
      expect(
        await strandedRuns(
          new BullStationQueue('stranded', stationQueue),
          running,
          new Set(['executing-here']),
        ),
      ).toEqual(['left-running']);
    } finally {
      await taker.close();
      await stationQueue.obliterate({ force: true });
      await stationQueue.close();
    }
  });
});
