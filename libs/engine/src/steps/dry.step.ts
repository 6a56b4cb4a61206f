import type { PlannedStep } from '@graftlab/protocol';
import { journaled } from '../journaled';
import { siArg, stringArg } from '../quantities';
import type { RunContext } from '../run-context';
import { validSamples } from '../run-context';
import { ensureAt } from '../sample-moves';
import { labWait } from './lab-wait';
import { deviceFor } from '../step-devices';

interface ConstantMass {
  readonly tolerance?: { si: number };
  readonly interval?: { si: number };
  readonly maxDuration?: { si: number };
}

/**
 * dry: in the dryer for a duration, or until constant mass — weighed every interval, done when two successive
 * masses of every sample differ by less than the tolerance. Each weighing is a reading of the constant-mass curve.
 */
export async function dryStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const location = stringArg(step, 'location') ?? 'dryer-1';
  const constant = step.args.untilConstantMass as ConstantMass | undefined;
  if (!constant || typeof constant !== 'object') {
    for (const sample of validSamples(ctx)) await ensureAt(ctx, sample, location, step.key);
    const durationMs = (siArg(step, 'duration') ?? 3600) * 1000;
    await journaled(
      ctx,
      step.key,
      { settlement: step.settlement, request: { location, durationMs }, resumable: true },
      async (_id, resumeFrom) => {
        const startedAt = (resumeFrom?.request as { labStart?: number } | null)?.labStart ?? ctx.clock.now();
        await labWait(ctx, startedAt + durationMs - ctx.clock.now());
        return { durationMs };
      },
    );
    return;
  }
  const toleranceG = (constant.tolerance?.si ?? 1e-7) * 1000; // kg → g
  const intervalMs = (constant.interval?.si ?? 1800) * 1000;
  const maxMs = (constant.maxDuration?.si ?? 24 * 3600) * 1000;
  const balanceId = deviceFor(ctx, step, 'balance');
  if (!balanceId) throw new Error('drying to constant mass needs a balance');
  const startedAt = ctx.clock.now();
  const last = new Map<string, number>();
  for (let cycle = 1; ; cycle++) {
    for (const sample of validSamples(ctx)) await ensureAt(ctx, sample, location, `${step.key}/c${cycle}`);
    await journaled(
      ctx,
      `${step.key}/c${cycle}/dry`,
      { settlement: 'resume-remaining', request: { intervalMs }, resumable: true },
      async (_id, resumeFrom) => {
        const from = (resumeFrom?.request as { labStart?: number } | null)?.labStart ?? ctx.clock.now();
        await labWait(ctx, from + intervalMs - ctx.clock.now());
        return { intervalMs };
      },
    );
    const taken = await ctx.leases.acquire([balanceId], ctx.holder, ctx.runId, ctx.signal);
    let settled = true;
    try {
      const balance = await ctx.devices.use(balanceId, 'balance', ctx.commandTimeoutMs);
      try {
        for (const sample of validSamples(ctx)) {
          const key = `${step.key}/c${cycle}/${sample.id}`;
          const { grams } = await journaled(
            ctx,
            key,
            { deviceId: balanceId, sampleId: sample.id, settlement: 'retry-safe', request: { cycle } },
            async () => {
              await balance.zero({ signal: ctx.signal, timeoutMs: 30_000 });
              await ensureAt(ctx, sample, 'balance-1/pan', key);
              const reading = await balance.weighStable({ signal: ctx.signal, timeoutMs: 30_000 });
              await ctx.readings.append({
                deviceId: balanceId,
                runId: ctx.runId,
                stepKey: step.key,
                sampleId: sample.id,
                name: 'dry-mass',
                value: reading.grams,
                unit: 'g',
                raw: reading.raw,
                deviceTimestamp: new Date(reading.at),
              });
              return { grams: reading.grams };
            },
          );
          const previous = last.get(sample.id);
          if (previous === undefined || Math.abs(previous - grams) > toleranceG) settled = false;
          last.set(sample.id, grams);
        }
      } finally {
        await ctx.devices.releaseShared(balanceId);
      }
    } finally {
      await ctx.leases.release(taken, ctx.holder);
    }
    if (settled || ctx.clock.now() - startedAt > maxMs) {
      ctx.log({ runId: ctx.runId, stepKey: step.key, cycles: cycle, constant: settled }, 'drying finished');
      return;
    }
  }
}
