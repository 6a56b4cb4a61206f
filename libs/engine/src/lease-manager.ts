import type { LeasesRepository } from '@graftlab/db';

/** SiLA 2 lock timeout of instrument leases: a worker that stops renewing (it died) loses them after this. */
export const LEASE_TTL_MS = 15_000;

export interface LeaseOptions {
  /** A lease not renewed for this long expires and may be taken over (SiLA 2 lock timeout). */
  readonly ttlMs: number;
  /** How often a waiting run retries to take a busy instrument. */
  readonly retryMs: number;
}

/**
 * Leases on shared instruments, held by one run at a time across its consecutive steps and renewed while held.
 * A set of instruments is taken all or nothing (in a fixed order), so two runs never deadlock half-way.
 * A killed worker stops renewing; its leases expire and the next run takes them over.
 */
export class LeaseManager {
  private readonly held = new Map<string, string>(); // resource → holder
  private renewTimer?: NodeJS.Timeout;

  constructor(
    private readonly repo: Pick<LeasesRepository, 'acquire' | 'renew' | 'release'>,
    private readonly options: LeaseOptions,
  ) {}

  holderOf(resource: string): string | undefined {
    return this.held.get(resource);
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
      const taken: string[] = [];
      let ok = true;
      for (const r of wanted) {
        if (this.held.get(r) === holder) continue;
        const lease = await this.repo.acquire(r, holder, this.options.ttlMs, runId);
        if (!lease) {
          ok = false;
          break;
        }
        this.held.set(r, holder);
        taken.push(r);
      }
      if (ok) {
        this.ensureRenewing();
        return taken;
      }
      for (const r of taken) await this.release([r], holder);
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => (clearTimeout(t), reject(signal!.reason as Error));
        // The listener goes when the wait ends, so a long wait for a busy instrument does not pile them up.
        const t = setTimeout(
          () => (signal?.removeEventListener('abort', onAbort), resolve()),
          this.options.retryMs,
        );
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  async release(resources: readonly string[], holder: string): Promise<void> {
    for (const r of resources) {
      if (this.held.get(r) !== holder) continue;
      this.held.delete(r);
      await this.repo.release(r, holder).catch(() => undefined);
    }
  }

  async releaseAllOf(holder: string): Promise<void> {
    await this.release(
      [...this.held.entries()].filter(([, h]) => h === holder).map(([r]) => r),
      holder,
    );
  }

  stop(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  private ensureRenewing(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(
      () => {
        for (const [r, holder] of this.held)
          void this.repo.renew(r, holder, this.options.ttlMs).catch(() => undefined);
      },
      Math.max(100, this.options.ttlMs / 3),
    );
    this.renewTimer.unref();
  }
}
