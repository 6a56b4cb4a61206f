import { performance } from 'node:perf_hooks';
import { DeviceError, type CommandFence, type FenceToken } from '@graftlab/devices';
import { OperatorNeededError } from './engine.errors';
import type { LeaseManager } from './lease-manager';

/**
 * The run lost a lease it was acting under (a take-over after a pause or a partition): another worker may be
 * using the instrument now, so the run stops for a person and the reconciler; it is never resumed blindly.
 */
export class LeaseLost extends OperatorNeededError {
  constructor(
    readonly deviceId: string,
    detail: string,
  ) {
    super(
      `lease on ${deviceId} lost: ${detail}; another worker may be acting on it — check the instrument and the samples before resuming`,
    );
    this.name = 'LeaseLost';
  }
}

/**
 * The fencing gate of one worker process, asked by every driver of a shared instrument right before a command
 * goes out. A lease counts as ours only for half its time-to-live after the database last confirmed it (measured
 * from when that confirmation was sent, on the monotonic clock, which keeps running while the process is
 * stopped); past that, or when asked to `confirm` (serial and TCP instruments), the generation is checked and the
 * lease renewed in one statement. A lost lease is a DeviceError 'fenced' that provably sent nothing.
 */
export class LeaseFence implements CommandFence {
  private readonly validityMs: number;

  constructor(
    private readonly leases: LeaseManager,
    options: { validityMs?: number } = {},
  ) {
    this.validityMs = options.validityMs ?? leases.ttlMs / 2;
  }

  async admit(deviceId: string, options: { confirm: boolean }): Promise<FenceToken | undefined> {
    const grant = this.leases.grantOf(deviceId);
    if (!grant) return undefined; // no lease here: an e-stop, a read on an idle instrument, the reconciler's read-back
    const refuse = (why: string) => new DeviceError('fenced', deviceId, why, 'fenced', true);
    if (grant.lost) throw refuse(grant.lost);
    const fresh = performance.now() - grant.confirmedAt < this.validityMs;
    // A database error propagates as it is: nothing was sent, and the run waits for the database like any step.
    if ((options.confirm || !fresh) && !(await this.leases.confirm(grant)))
      throw refuse(grant.lost ?? `lease on ${deviceId} lost`);
    return { resource: grant.resource, generation: grant.generation, holder: grant.holder };
  }
}
