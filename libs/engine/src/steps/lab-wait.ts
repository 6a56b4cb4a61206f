import type { RunContext } from '../run-context';

/** Waits `labMs` of lab time (real time divided by the clock speed); aborts with the run's signal. */
export async function labWait(ctx: RunContext, labMs: number): Promise<void> {
  if (labMs <= 0) return;
  await ctx.clock.sleep(labMs, ctx.signal);
}

/** A polling interval in lab ms: `labMs`, but at least `minRealMs` of real time so loops stay gentle at high speeds. */
export function pollInterval(ctx: RunContext, labMs: number, minRealMs = 200): number {
  return Math.max(labMs, minRealMs * ctx.clock.speed);
}
