import { performance } from 'node:perf_hooks';
import type { Lease, LeasesRepository } from '@graftlab/db';

/** SiLA 2 lock timeout of instrument leases: a worker that stops renewing (it died) loses them after this. */
export const LEASE_TTL_MS = 15_000;

export interface LeaseOptions {
  /** A lease not renewed for this long expires and may be taken over (SiLA 2 lock timeout). */
  readonly ttlMs: number;
  /** How often a waiting run retries to take a busy instrument. */
  readonly retryMs: number;
  /** Releases in the whole lab, as they happen: a waiting run retries at once instead of at its next retry. */
  readonly releases?: LeaseReleases;
}

/** Word of leases given back, between the lab's workers (a hint: the database decides who holds what). */
export interface LeaseReleases {
  published(resource: string): void;
  /** Returns the unsubscribe function. */
  onReleased(listener: (resource: string) => void): () => void;
}

/** A lease this process was granted: its fencing generation and when the database last confirmed it. */
export interface LeaseGrant {
  readonly resource: string;
  readonly holder: string;
  readonly generation: number;
  /** Monotonic ms (performance.now) when the confirming round trip was sent: the lease is ours until then + TTL. */
  confirmedAt: number;
  /** Set once the lease is known lost (taken over, expired, released by another): every command is refused. */
  lost?: string;
}

/**
 * Leases on shared instruments, held by one run at a time across its consecutive steps and renewed while held.
 * A set of instruments is taken all or nothing (in a fixed order), so two runs never deadlock half-way.
 * A killed worker stops renewing; its leases expire and the next run takes them over.
 */
export class LeaseManager {
  private readonly held = new Map<string, string>(); // resource → holder
  /** Grants with their generations; a lost one stays (tombstone) until its holder lets go, so nothing slips out. */
  private readonly grants = new Map<string, LeaseGrant>();
  private readonly lostListeners = new Set<(grant: LeaseGrant) => void>();
  private renewTimer?: NodeJS.Timeout;
  /** Runs waiting for a busy instrument: woken when it is given back (here, or anywhere with `releases`). */
  private readonly waiting = new Set<{ resources: readonly string[]; wake: () => void }>();
  /** Releases heard of per resource: an attempt that overlapped one tries again at once (its wake-up came early). */
  private readonly released = new Map<string, number>();
  private readonly unsubscribe?: () => void;

  constructor(
    private readonly repo: Pick<LeasesRepository, 'acquire' | 'renew' | 'release' | 'confirm'>,
    private readonly options: LeaseOptions,
  ) {
    this.unsubscribe = options.releases?.onReleased((resource) => this.wake(resource));
  }

  holderOf(resource: string): string | undefined {
    return this.held.get(resource);
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  /** The grant (with its generation) this process holds on a resource, lost or not. */
  grantOf(resource: string): LeaseGrant | undefined {
    return this.grants.get(resource);
  }

  /** Called when a held lease turns out lost (renewal refused, fencing check, check after a stall). */
  onLost(listener: (grant: LeaseGrant) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /**
   * Checks in the database that the lease is still ours under its generation, renewing it in the same statement.
   * False (and the grant marked lost) when it is not; a database error propagates (nothing is known then).
   */
  async confirm(grant: LeaseGrant): Promise<boolean> {
    if (grant.lost) return false;
    const sentAt = performance.now();
    const row = await this.repo.confirm(grant.resource, grant.holder, grant.generation, this.options.ttlMs);
    if (!row) {
      // Released by its own holder (or replaced by a new grant) while the check was in flight: not lost, only done.
      // Marking it lost would stop a run that let go of the instrument on purpose, e.g. after one titration.
      if (this.grants.get(grant.resource) !== grant) return false;
      this.markLost(
        grant,
        `lease on ${grant.resource} (generation ${grant.generation}) was lost or taken over`,
      );
      return false;
    }
    if (this.grants.get(grant.resource) === grant) grant.confirmedAt = Math.max(grant.confirmedAt, sentAt);
    return true;
  }

  /**
   * After the process stood still (a long pause, SIGSTOP, a suspended VM): no lease counts as confirmed any more,
   * and each is checked now; the lost ones are reported to the listeners (their runs stop and are reconciled).
   */
  async recheckAll(): Promise<LeaseGrant[]> {
    const grants = [...this.grants.values()].filter((g) => !g.lost);
    for (const g of grants) g.confirmedAt = Number.NEGATIVE_INFINITY;
    const lost: LeaseGrant[] = [];
    for (const g of grants) if (!(await this.confirm(g).catch(() => true))) lost.push(g);
    return lost;
  }

  private markLost(grant: LeaseGrant, reason: string): void {
    if (grant.lost) return;
    grant.lost = reason;
    if (this.held.get(grant.resource) === grant.holder) this.held.delete(grant.resource);
    for (const l of this.lostListeners) l(grant);
  }

  private granted(lease: Lease, holder: string, sentAt: number): void {
    const known = this.grants.get(lease.resource);
    if (known && !known.lost && known.holder === holder && known.generation === lease.generation) return;
    this.grants.set(lease.resource, {
      resource: lease.resource,
      holder,
      generation: lease.generation,
      confirmedAt: sentAt,
    });
  }

  /**
   * Waits until every resource is leased to `holder`; resources it already holds count as taken.
   * Returns the resources newly taken (release only those when the lease was taken for one action).
   */
  async acquire(
    resources: readonly string[],
    holder: string,
    runId: string,
    signal?: AbortSignal,
  ): Promise<string[]> {
    const wanted = [...new Set(resources)].sort();
    for (;;) {
      signal?.throwIfAborted();
      const heard = this.heardOf(wanted);
      const taken: string[] = [];
      let ok = true;
      for (const r of wanted) {
        if (this.held.get(r) === holder) continue;
        const sentAt = performance.now();
        const lease = await this.repo.acquire(r, holder, this.options.ttlMs, runId);
        if (!lease) {
          ok = false;
          break;
        }
        this.granted(lease, holder, sentAt);
        this.held.set(r, holder);
        taken.push(r);
      }
      if (ok) {
        this.ensureRenewing();
        return taken;
      }
      // Given back unused, without waking anyone: a run whose turn it was not would only wake the next such run.
      for (const r of taken) await this.drop(r, holder, false);
      if (this.heardOf(wanted) !== heard) continue;
      await new Promise<void>((resolve, reject) => {
        const waiter = { resources: wanted, wake: () => done() };
        const onAbort = () => done(signal!.reason as Error);
        // The listener goes when the wait ends, so a long wait for a busy instrument does not pile them up.
        const done = (err?: Error) => {
          clearTimeout(t);
          this.waiting.delete(waiter);
          signal?.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else resolve();
        };
        const t = setTimeout(() => done(), this.options.retryMs);
        this.waiting.add(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  async release(resources: readonly string[], holder: string): Promise<void> {
    for (const r of resources) await this.drop(r, holder, true);
  }

  async releaseAllOf(holder: string): Promise<void> {
    const resources = new Set([
      ...[...this.held.entries()].filter(([, h]) => h === holder).map(([r]) => r),
      ...[...this.grants.values()].filter((g) => g.holder === holder).map((g) => g.resource),
    ]);
    await this.release([...resources], holder);
  }

  stop(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
    this.unsubscribe?.();
  }

  private async drop(resource: string, holder: string, announce: boolean): Promise<void> {
    const grant = this.grants.get(resource);
    if (grant?.holder === holder) this.grants.delete(resource);
    if (this.held.get(resource) !== holder) return;
    this.held.delete(resource);
    await this.repo.release(resource, holder).catch(() => undefined);
    if (!announce) return;
    this.wake(resource);
    this.options.releases?.published(resource);
  }

  /**
   * The run here that has waited longest for `resource` tries again now; the others keep to their retry period, so
   * a release does not send every waiting run to the database at once.
   */
  private wake(resource: string): void {
    this.released.set(resource, (this.released.get(resource) ?? 0) + 1);
    for (const w of this.waiting)
      if (w.resources.includes(resource)) {
        w.wake();
        return;
      }
  }

  private heardOf(resources: readonly string[]): number {
    return resources.reduce((n, r) => n + (this.released.get(r) ?? 0), 0);
  }

  private ensureRenewing(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(
      () => {
        // Renewal is the fencing check too: a lease no longer ours under its generation is reported lost.
        for (const [r, holder] of this.held) {
          const grant = this.grants.get(r);
          if (grant?.holder === holder) void this.confirm(grant).catch(() => undefined);
          else void this.repo.renew(r, holder, this.options.ttlMs).catch(() => undefined);
        }
      },
      Math.max(100, this.options.ttlMs / 3),
    );
    this.renewTimer.unref();
  }
}
