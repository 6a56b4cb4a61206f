import type { TimeWindow } from '@graftlab/protocol';
import { OperatorNeededError, RunInterrupted, SampleInvalidated } from './engine.errors';
import type { RunContext } from './run-context';
import { validSamples } from './run-context';

function eventTime(ctx: RunContext, ref: TimeWindow['from']): number | undefined {
  const t = ctx.timeline.get(ref.step);
  return ref.event === 'start' ? t?.start : t?.end;
}

/** Samples stored cold enough between the two events are exempt (the radicals keep). */
function exemptByStorage(ctx: RunContext, window: TimeWindow): boolean {
  if (window.exemptIfStoredAtOrBelowK === undefined) return false;
  const from = eventTime(ctx, window.from) ?? 0;
  return ctx.plan.steps.some((s) => {
    if (s.type !== 'store') return false;
    const at = ctx.timeline.get(s.key)?.start;
    const location = s.args.location;
    const temperatureC = ctx.inventory.locations.find((l) => l.id === location)?.temperatureC;
    return (
      at !== undefined &&
      at >= from &&
      temperatureC !== undefined &&
      temperatureC + 273.15 <= window.exemptIfStoredAtOrBelowK!
    );
  });
}

/**
 * Checks every window that ends with `event` of `stepKey` (Autoprotocol's constraints, enforced): a missed maximum
 * delay invalidates the samples with the reason (or aborts the run / asks a person, as the protocol declares).
 */
export async function enforceWindows(
  ctx: RunContext,
  stepKey: string,
  event: 'start' | 'end',
): Promise<void> {
  const now = ctx.clock.now();
  for (const w of ctx.plan.timeWindows) {
    if (w.to.step !== stepKey || w.to.event !== event) continue;
    const from = eventTime(ctx, w.from);
    if (from === undefined) continue;
    const gapS = (now - from) / 1000;
    const late = w.maxS !== undefined && gapS > w.maxS && !exemptByStorage(ctx, w);
    const early = w.minS !== undefined && gapS < w.minS;
    if (!late && !early) continue;
    const reason = late
      ? `time window ${w.from.step}.${w.from.event} → ${w.to.step}.${w.to.event} missed: ${(gapS / 60).toFixed(1)} min > ${(w.maxS! / 60).toFixed(1)} min`
      : `time window ${w.from.step}.${w.from.event} → ${w.to.step}.${w.to.event}: only ${(gapS / 60).toFixed(1)} min < ${(w.minS! / 60).toFixed(1)} min`;
    switch (w.onViolation) {
      case 'invalidate-sample':
        for (const sample of validSamples(ctx)) {
          sample.invalidReason = reason;
          await ctx.sampleRepo.setStatus(sample.id, 'invalidated', reason, ctx.holder).catch(() => undefined);
          ctx.log(
            { runId: ctx.runId, sampleId: sample.id, stepKey },
            new SampleInvalidated(sample.id, reason).message,
          );
        }
        break;
      case 'abort-run':
        throw new RunInterrupted('abort', reason);
      case 'ask-operator':
        throw new OperatorNeededError(reason);
    }
  }
}
