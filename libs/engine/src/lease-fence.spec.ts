import { DB_ENGINES, LeasesRepository, openScratchDatabase, type GraftlabDb } from '@graftlab/db';
import { isDeviceError } from '@graftlab/devices';
import { LeaseFence } from './lease-fence';
import { LeaseManager } from './lease-manager';

describe.each(DB_ENGINES)('lease fencing on %s', (engine) => {
  let db: GraftlabDb;

  beforeAll(async () => {
    db = await openScratchDatabase(engine);
  });

  afterAll(async () => {
    await db.close();
  });

  it('grants a strictly greater generation on every grant and take-over, and keeps it while renewed', async () => {
    const repo = new LeasesRepository(db);
    const first = await repo.acquire('fence-a', 'w1/r1', 10_000);
    const renewed = await repo.acquire('fence-a', 'w1/r1', 10_000);
    expect(renewed?.generation).toBe(first?.generation);
    await repo.release('fence-a', 'w1/r1');
    const again = await repo.acquire('fence-a', 'w2/r2', 1);
    expect(again!.generation).toBeGreaterThan(first!.generation);
    await new Promise((r) => setTimeout(r, 30));
    const takenOver = await repo.acquire('fence-a', 'w3/r3', 10_000);
    expect(takenOver!.generation).toBeGreaterThan(again!.generation);
    // The old holder's check-and-renew fails: its generation is superseded.
    expect(await repo.confirm('fence-a', 'w2/r2', again!.generation, 10_000)).toBeUndefined();
    expect(await repo.confirm('fence-a', 'w3/r3', takenOver!.generation, 10_000)).toBeDefined();
  });

  it('refuses, without sending, a command of a holder whose lease was taken over while it stood still', async () => {
    const repo = new LeasesRepository(db);
    const stale = new LeaseManager(repo, { ttlMs: 300, retryMs: 20 });
    const fresh = new LeaseManager(repo, { ttlMs: 10_000, retryMs: 20 });
    const lostEvents: string[] = [];
    stale.onLost((g) => lostEvents.push(g.resource));
    try {
      await stale.acquire(['fence-b'], 'w1/r1', 'r1');
      const fence = new LeaseFence(stale);
      const token = await fence.admit('fence-b', { confirm: true });
      expect(token).toMatchObject({ resource: 'fence-b', holder: 'w1/r1' });
      stale.stop(); // the process stands still: nothing renews
      await new Promise((r) => setTimeout(r, 400));
      await fresh.acquire(['fence-b'], 'w2/r2', 'r2');
      // Without a database check (an MQTT instrument) the lease's local validity has run out: it is checked anyway.
      const refused = await fence.admit('fence-b', { confirm: false }).catch((e: unknown) => e);
      expect(isDeviceError(refused, 'fenced')).toBe(true);
      expect((refused as { notSent: boolean }).notSent).toBe(true);
      expect(lostEvents).toEqual(['fence-b']);
      // The new holder's token is greater; a device with no lease here gets no token (a read, an e-stop).
      const next = await new LeaseFence(fresh).admit('fence-b', { confirm: true });
      expect(next!.generation).toBeGreaterThan(token!.generation);
      expect(await fence.admit('other-device', { confirm: true })).toBeUndefined();
    } finally {
      stale.stop();
      fresh.stop();
    }
  });

  it('does not report as lost a lease its holder released while a renewal was in flight (one worker, several runs)', async () => {
    const repo = new LeasesRepository(db);
    let inFlight: Promise<void> | undefined;
    let proceed!: () => void;
    const slowConfirm: typeof repo.confirm = async (...args) => {
      inFlight = new Promise<void>((r) => (proceed = r));
      await inFlight;
      return repo.confirm(...args);
    };
    const leases = new LeaseManager(
      {
        acquire: repo.acquire.bind(repo),
        renew: repo.renew.bind(repo),
        release: repo.release.bind(repo),
        confirm: slowConfirm,
      },
      { ttlMs: 10_000, retryMs: 20 },
    );
    const lost: string[] = [];
    leases.onLost((g) => lost.push(`${g.holder} ${g.resource}`));
    try {
      await leases.acquire(['fence-f'], 'w1/r1', 'r1');
      const renewal = leases.confirm(leases.grantOf('fence-f')!);
      await leases.release(['fence-f'], 'w1/r1'); // run 1 is done with the titrator
      await leases.acquire(['fence-f'], 'w1/r2', 'r2'); // run 2 of the same worker takes it
      proceed();
      expect(await renewal).toBe(false);
      expect(lost).toEqual([]);
      // Run 2's grant is intact and confirms.
      const second = leases.grantOf('fence-f')!;
      expect(second.holder).toBe('w1/r2');
      const confirming = leases.confirm(second);
      proceed();
      expect(await confirming).toBe(true);
    } finally {
      leases.stop();
    }
  });

  it('re-checks every lease after a stall and reports the lost ones', async () => {
    const repo = new LeasesRepository(db);
    const a = new LeaseManager(repo, { ttlMs: 200, retryMs: 20 });
    const b = new LeaseManager(repo, { ttlMs: 10_000, retryMs: 20 });
    try {
      await a.acquire(['fence-c', 'fence-d'], 'w1/r1', 'r1');
      a.stop();
      await new Promise((r) => setTimeout(r, 300));
      await b.acquire(['fence-c'], 'w2/r2', 'r2');
      // Taken over, or only run out: either way no longer ours to act under.
      const lost = await a.recheckAll();
      expect(lost.map((g) => g.resource)).toEqual(['fence-c', 'fence-d']);
      // A lease still within its time-to-live stays.
      await b.acquire(['fence-e'], 'w2/r2', 'r2');
      expect(await b.recheckAll()).toEqual([]);
      expect(b.grantOf('fence-e')?.lost).toBeUndefined();
    } finally {
      a.stop();
      b.stop();
    }
  });
});
