import { setLongTimeout } from './long-timeout';

/**
 * Lab time: what the instruments and the chemistry experience. In a real lab it is wall time;
 * in the virtual lab it runs `speed` times faster so a ten-hour protocol takes seconds.
 * Durations are measured on a monotonic clock (performance.now), never Date.now deltas.
 */
export interface LabClock {
  /** Speed-up factor: lab milliseconds per real millisecond. */
  readonly speed: number;
  /** Lab time, ms since the Unix epoch. */
  now(): number;
  /** Waits `labMs` of lab time; rejects with the signal's reason when aborted. */
  sleep(labMs: number, signal?: AbortSignal): Promise<void>;
  /** Real milliseconds that `labMs` of lab time take. */
  toRealMs(labMs: number): number;
}

/**
 * Lab time = origin + (wall time − origin) × speed, read from the monotonic performance clock.
 * Processes that share the origin (the stack supervisor hands its own start time to every child)
 * agree on lab time, so a twin's timestamps and the engine's line up.
 */
export class ScaledClock implements LabClock {
  constructor(
    readonly speed = 1,
    /** Wall-clock instant (ms since the epoch) at which lab time equals wall time. */
    readonly originMs: number = performance.timeOrigin + performance.now(),
  ) {
    if (!(speed > 0)) throw new RangeError(`clock speed must be positive, got ${speed}`);
  }

  now(): number {
    const wall = performance.timeOrigin + performance.now();
    return this.originMs + (wall - this.originMs) * this.speed;
  }

  toRealMs(labMs: number): number {
    return labMs / this.speed;
  }

  sleep(labMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const onAbort = () => {
        cancel();
        reject(signal!.reason as Error);
      };
      const cancel = setLongTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, this.toRealMs(labMs)),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** The wall clock (speed 1). */
export const realClock: LabClock = new ScaledClock(1);
