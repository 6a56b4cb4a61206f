import { LEASE_TTL_MS, LeaseFence, StallMonitor, type DeviceHub, type LeaseManager } from '@graftlab/engine';

interface GuardLog {
  warn(event: Record<string, unknown>, message: string): void;
}

/**
 * Fencing for one worker process: every command to a shared instrument passes the lease fence, and after the
 * event loop stood still (a long GC, SIGSTOP, a suspended VM) for a fifth of the lease's time-to-live, every lease
 * is re-checked before anything else is sent; the lost ones stop their runs. Returns the stop function.
 */
export function guardLeases(hub: DeviceHub, leases: LeaseManager, log: GuardLog): () => void {
  hub.useFence(new LeaseFence(leases));
  const stalls = new StallMonitor({
    thresholdMs: LEASE_TTL_MS / 5,
    onStall: (stalledMs) => {
      log.warn({ stalledMs }, 'event loop stalled; re-checking leases before anything is sent');
      void leases
        .recheckAll()
        .catch(() => [])
        .then((lost) => {
          for (const g of lost)
            log.warn({ resource: g.resource, holder: g.holder, generation: g.generation }, 'lease lost');
        });
    },
  });
  stalls.start();
  return () => stalls.stop();
}
