import { DB_ENGINES, LeasesRepository, openScratchDatabase, type GraftlabDb } from '@graftlab/db';
import { LeaseManager, type LeaseReleases } from './lease-manager';

describe.each(DB_ENGINES)('LeaseManager on %s', (engine) => {
  let db: GraftlabDb;

  beforeAll(async () => {
    db = await openScratchDatabase(engine);
  });

  afterAll(async () => {
    await db.close();
  });

  it('takes a set of instruments all or nothing, so two runs never hold half each', async () => {
    const repo = new LeasesRepository(db);
    const a = new LeaseManager(repo, { ttlMs: 10_000, retryMs: 20 });
    const b = new LeaseManager(repo, { ttlMs: 10_000, retryMs: 20 });
    try {
      await a.acquire(['shutter-1'], 'worker-a/run-1', 'run-1');
      const waiting = b.acquire(['irradiator-1', 'shutter-1'], 'worker-b/run-2', 'run-2');
      await new Promise((r) => setTimeout(r, 150));
      // While b waits for the shutter it holds nothing (it gave back the irradiator it could take).
      expect(await repo.get('irradiator-1')).toBeUndefined();
      await a.release(['shutter-1'], 'worker-a/run-1');
      await waiting;
      expect((await repo.get('irradiator-1'))?.holder).toBe('worker-b/run-2');
      expect((await repo.get('shutter-1'))?.holder).toBe('worker-b/run-2');
    } finally {
      a.stop();
      b.stop();
    }
  });

  it('hands over the lease of a holder that stopped renewing (a killed worker) once it expires', async () => {
    const repo = new LeasesRepository(db);
    const dead = new LeaseManager(repo, { ttlMs: 300, retryMs: 20 });
    await dead.acquire(['balance-1'], 'worker-dead/run-3', 'run-3');
    dead.stop(); // the process died: nothing renews its lease any more
    const alive = new LeaseManager(repo, { ttlMs: 10_000, retryMs: 20 });
    try {
      const started = Date.now();
      await alive.acquire(['balance-1'], 'worker-alive/run-4', 'run-4');
      expect((await repo.get('balance-1'))?.holder).toBe('worker-alive/run-4');
      expect(Date.now() - started).toBeGreaterThanOrEqual(200); // not before the old lease ran out
    } finally {
      alive.stop();
    }
  });

  it('hands a released instrument to a waiting run at once, in this process and from another', async () => {
    const repo = new LeasesRepository(db);
    // Two workers' word of releases (Redis pub/sub in the worker): each hears the other's.
    const listeners: ((resource: string, origin: LeaseReleases) => void)[] = [];
    const bus = (): LeaseReleases => {
      const me: LeaseReleases = {
        published: (resource) => listeners.forEach((l) => l(resource, me)),
        onReleased: (listener) => {
          const l = (resource: string, origin: LeaseReleases) => origin !== me && listener(resource);
          listeners.push(l);
          return () => listeners.splice(listeners.indexOf(l), 1);
        },
      };
      return me;
    };
    // A retry period far longer than the test: only a wake-up can hand the instrument over in time.
    const a = new LeaseManager(repo, { ttlMs: 10_000, retryMs: 60_000, releases: bus() });
    const b = new LeaseManager(repo, { ttlMs: 10_000, retryMs: 60_000, releases: bus() });
    try {
      await a.acquire(['titrator-1'], 'worker-a/run-7', 'run-7');
      const sameWorker = a.acquire(['titrator-1'], 'worker-a/run-8', 'run-8');
      const otherWorker = b.acquire(['titrator-1'], 'worker-b/run-9', 'run-9');
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await a.release(['titrator-1'], 'worker-a/run-7');
      const first = await Promise.race([sameWorker.then(() => 'run-8'), otherWorker.then(() => 'run-9')]);
      const second = first === 'run-8' ? 'run-9' : 'run-8';
      await (first === 'run-8' ? a : b).release(
        ['titrator-1'],
        `worker-${first === 'run-8' ? 'a' : 'b'}/${first}`,
      );
      await (second === 'run-8' ? sameWorker : otherWorker);
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await repo.get('titrator-1'))?.holder).toBe(
        `worker-${second === 'run-8' ? 'a' : 'b'}/${second}`,
      );
    } finally {
      a.stop();
      b.stop();
    }
  });

  it('keeps a held lease alive past its time-to-live by renewing it', async () => {
    const repo = new LeasesRepository(db);
    const holder = new LeaseManager(repo, { ttlMs: 300, retryMs: 20 });
    const other = new LeaseManager(repo, { ttlMs: 300, retryMs: 20 });
    try {
      await holder.acquire(['robot-1'], 'worker-a/run-5', 'run-5');
      await new Promise((r) => setTimeout(r, 700));
      const ac = new AbortController();
      const attempt = other.acquire(['robot-1'], 'worker-b/run-6', 'run-6', ac.signal);
      setTimeout(() => ac.abort(new Error('gave up')), 300);
      await expect(attempt).rejects.toThrow('gave up');
      expect((await repo.get('robot-1'))?.holder).toBe('worker-a/run-5');
    } finally {
      holder.stop();
      other.stop();
    }
  });
});
