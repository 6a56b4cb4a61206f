import type { PlannedStep } from '@graftlab/protocol';
import { SafetyRefusal } from '../engine.errors';
import { journaled } from '../journaled';
import { M3_PER_S_PER_SCCM, numberArg, siArg, stringArg } from '../quantities';
import type { RunContext } from '../run-context';
import { labWait, pollInterval } from './lab-wait';
import { deviceFor } from '../step-devices';

/**
 * purge / evacuate-refill by device: inert gas through the station's mass-flow controller until the O₂ sensor reads
 * below the limit and the minimum duration has passed. The flow is left on (the vessel stays blanketed).
 * By operator: a prompt.
 */
export async function purgeStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const o2MaxFraction = siArg(step, 'o2Max') ?? ctx.plan.safety.o2MaxFraction;
  const o2MaxPpm = o2MaxFraction * 1e6;
  const minDurationMs = (siArg(step, 'minDuration') ?? (numberArg(step, 'cycles') ?? 1) * 300) * 1000;
  if (stringArg(step, 'by') === 'operator') {
    await journaled(
      ctx,
      step.key,
      { settlement: step.settlement, request: { o2MaxPpm, minDurationMs } },
      async (commandId) => {
        const startedAt = ctx.clock.now();
        const answer = await ctx.operator.ask(
          {
            promptId: commandId,
            runId: ctx.runId,
            stepKey: step.key,
            message: `Purge ${stringArg(step, 'target')} with ${stringArg(step, 'gas')} for at least ${Math.round(minDurationMs / 60_000)} min, until O₂ < ${o2MaxPpm} ppm`,
          },
          { timeoutMs: 24 * 3600_000, signal: ctx.signal },
        );
        // An early acknowledgement does not shorten the declared minimum purge.
        await labWait(ctx, startedAt + minDurationMs - ctx.clock.now());
        return { by: answer.by, purgedMs: ctx.clock.now() - startedAt };
      },
    );
    return;
  }
  const flowSccm = (siArg(step, 'flow') ?? 100 * M3_PER_S_PER_SCCM) / M3_PER_S_PER_SCCM;
  const mfcId = deviceFor(ctx, step, 'gas-controller');
  const o2Id = deviceFor(ctx, step, 'o2-sensor');
  if (!mfcId || !o2Id)
    throw new Error(`station ${ctx.station.id} needs a gas controller and an O₂ sensor to purge`);
  const mfc = await ctx.devices.use(mfcId, 'gas-controller', ctx.commandTimeoutMs);
  const o2 = await ctx.devices.use(o2Id, 'o2-sensor', ctx.commandTimeoutMs);
  await journaled(
    ctx,
    step.key,
    {
      deviceId: mfcId,
      settlement: step.settlement,
      request: { flowSccm, minDurationMs, o2MaxPpm },
      resumable: true,
    },
    async (_id, resumeFrom) => {
      const startedAt = (resumeFrom?.request as { labStart?: number } | null)?.labStart ?? ctx.clock.now();
      await mfc.setFlow(flowSccm, { signal: ctx.signal });
      const deadline = startedAt + Math.max(10 * minDurationMs, 2 * 3600_000);
      for (;;) {
        const ppm = await o2.readPpm({ signal: ctx.signal });
        await ctx.readings.append({
          deviceId: o2Id,
          runId: ctx.runId,
          stepKey: step.key,
          name: 'o2-ppm',
          value: ppm,
          unit: 'ppm',
          deviceTimestamp: new Date(ctx.clock.now()),
        });
        const elapsed = ctx.clock.now() - startedAt;
        if (ppm <= o2MaxPpm && elapsed >= minDurationMs) return { finalO2Ppm: ppm, purgedMs: elapsed };
        if (ctx.clock.now() > deadline)
          throw new SafetyRefusal(
            `purge ${step.key}: O₂ still ${ppm.toFixed(0)} ppm (limit ${o2MaxPpm} ppm)`,
          );
        await labWait(ctx, pollInterval(ctx, 30_000));
      }
    },
  );
}
