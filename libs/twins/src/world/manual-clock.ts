import type { LabClock } from '@graftlab/clock';

/** A lab clock that moves only when told to (deterministic world tests). */
export class ManualClock implements LabClock {
  readonly speed = 1;
  constructor(private t: number = Date.parse('2026-10-01T00:00:00Z')) {}

  now(): number {
    return this.t;
  }

  advance(labMs: number): void {
    this.t += labMs;
  }

  toRealMs(labMs: number): number {
    return labMs;
  }

  sleep(labMs: number, signal?: AbortSignal): Promise<void> {
    this.t += labMs;
    return signal?.aborted ? Promise.reject(signal.reason as Error) : Promise.resolve();
  }
}
