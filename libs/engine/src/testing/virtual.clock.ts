import type { LabClock } from '@graftlab/clock';

/**
 * Lab time that passes only when the engine waits for it: a sleep moves the clock to the sleeper's wake-up time
 * (never back: two waits begun together end at the later one) and resolves on the next turn of the event loop.
 * The engine's own work then takes no lab time, so a unit test checks its logic and time windows exactly,
 * whatever the machine's load, and a ten-hour protocol runs in milliseconds.
 */
export class VirtualClock implements LabClock {
  /** Lab ms per real ms, for code that turns lab waits into real timeouts: one real ms per lab ms is generous. */
  readonly speed = 1;
  private at: number;

  constructor(origin = Date.parse('2026-12-01T08:00:00Z')) {
    this.at = origin;
  }

  now(): number {
    return this.at;
  }

  sleep(labMs: number, signal?: AbortSignal): Promise<void> {
    const wake = this.at + Math.max(0, labMs);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      setImmediate(() => {
        if (signal?.aborted) return reject(signal.reason as Error);
        this.at = Math.max(this.at, wake);
        resolve();
      });
    });
  }

  /** Lab time passes to `labMs` (a soak's next visit: the test plays the delayed job's wait). */
  advanceTo(labMs: number): void {
    this.at = Math.max(this.at, labMs);
  }

  toRealMs(labMs: number): number {
    return labMs;
  }
}
