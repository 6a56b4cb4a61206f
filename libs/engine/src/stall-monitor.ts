import { performance } from 'node:perf_hooks';

export interface StallMonitorOptions {
  /** A tick later than this (ms) is a stall: the process stood still (GC, SIGSTOP, a suspended VM). */
  readonly thresholdMs: number;
  /** How often the monitor ticks (ms). */
  readonly intervalMs?: number;
  /** Called once per stall with how long the process stood still. */
  readonly onStall: (stalledMs: number) => void;
}

/**
 * Detects event-loop stalls by timer drift on the monotonic clock (which keeps running while the process is
 * stopped). A worker that stood still may have lost its leases without knowing: it re-checks them before acting.
 */
export class StallMonitor {
  private timer?: NodeJS.Timeout;
  private last = 0;

  constructor(private readonly options: StallMonitorOptions) {}

  start(): void {
    if (this.timer) return;
    const interval = this.options.intervalMs ?? Math.max(20, Math.min(250, this.options.thresholdMs / 4));
    this.last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const stalled = now - this.last - interval;
      this.last = now;
      if (stalled > this.options.thresholdMs) this.options.onStall(Math.round(stalled));
    }, interval);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
