import type { RunContext } from '../run-context';

/** Waits `labMs` of lab time (real time divided by the clock speed); aborts with the run's signal. */
export async function labWait(ctx: RunContext, labMs: number): Promise<void> {
  if (labMs <= 0) return;
  const realMs = ctx.clock.toRealMs(labMs);
  await new Promise<void>((resolve, reject) => {
    if (ctx.signal.aborted) return reject(ctx.signal.reason as Error);
    const onAbort = () => (clearTimeout(t), reject(ctx.signal.reason as Error));
    const t = setTimeout(() => (ctx.signal.removeEventListener('abort', onAbort), resolve()), realMs);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A polling interval in lab ms: `labMs`, but at least `minRealMs` of real time so loops stay gentle at high speeds. */
export function pollInterval(ctx: RunContext, labMs: number, minRealMs = 200): number {
  return Math.max(labMs, minRealMs * ctx.clock.speed);
}
