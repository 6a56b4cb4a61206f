/**
 * Fencing tokens (Kleppmann): every lease grant on a shared instrument carries a generation that only grows, and
 * every command a lease holder sends to that instrument carries it. An instrument (or the gate in front of a
 * serial line) that has seen a higher generation refuses the command, so a worker that was paused or cut off past
 * its lease can never act on an instrument another worker now holds.
 */
export interface FenceToken {
  /** The leased resource (the shared instrument's device id). */
  readonly resource: string;
  /** The lease's generation: strictly greater for every new grant or take-over of any resource. */
  readonly generation: number;
  /** Who holds the lease (worker/run), for the instrument's log. */
  readonly holder: string;
}

/** The gate a driver asks right before a command's bytes leave for a shared instrument. */
export interface CommandFence {
  /**
   * The token to send with the command, or undefined when this process holds no lease on the device (a read on
   * an idle instrument, an e-stop). Throws DeviceError 'fenced' (not sent) when the lease was lost or superseded.
   * `confirm`: check the generation against the database now (serial and TCP instruments, which cannot check it
   * themselves); otherwise the lease's local validity suffices and the instrument enforces the generation.
   */
  admit(deviceId: string, options: { confirm: boolean }): Promise<FenceToken | undefined>;
}

/** The payload field of an MQTT command carrying the token (see docs/mqtt.md). */
export const FENCE_FIELD = 'fence';
/** The reply code of an instrument refusing a stale generation. */
export const FENCED_CODE = 'fenced';

/** The token an MQTT command carries, if any (a twin or facility controller reads it). */
export function fenceTokenOf(payload: Record<string, unknown>): FenceToken | undefined {
  const f = payload[FENCE_FIELD];
  if (typeof f !== 'object' || f === null) return undefined;
  const { resource, generation, holder } = f as Record<string, unknown>;
  if (typeof resource !== 'string' || typeof generation !== 'number' || !Number.isSafeInteger(generation))
    return undefined;
  return { resource, generation, holder: typeof holder === 'string' ? holder : '' };
}
