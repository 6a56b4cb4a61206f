import type { PlannedStep } from '@graftlab/protocol';
import { SafetyRefusal } from '../engine.errors';
import { journaled } from '../journaled';
import { KELVIN, siArg } from '../quantities';
import type { RunContext } from '../run-context';
import { validSamples } from '../run-context';
import { labWait, pollInterval } from './lab-wait';

/** A setpoint is refused above the solvent's flash point minus the margin, or the lab's maximum. */
function checkSetpoint(ctx: RunContext, step: PlannedStep, setpointK: number): void {
  const env = ctx.plan.safety;
  const limit = Math.min(env.flashPointLimitK ?? Infinity, env.maxTemperatureK ?? Infinity);
  if (setpointK > limit + 1e-9) {
    throw new SafetyRefusal(
      `${step.type} ${step.key} refused: setpoint ${(setpointK - KELVIN).toFixed(1)} °C is above the limit ${(limit - KELVIN).toFixed(1)} °C (flash point minus margin)`,
    );
  }
}

/** heat: setpoint to the station's circulator, started, then wait until the bath is within tolerance. */
export async function heatStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const setpointK = siArg(step, 'setpoint');
  if (setpointK === undefined) throw new Error(`heat step ${step.key} has no setpoint`);
  checkSetpoint(ctx, step, setpointK);
  const toleranceK = siArg(step, 'tolerance') ?? 1;
  const bathId = ctx.devices.deviceIdFor(ctx.station, 'temperature-controller');
  if (!bathId) throw new Error(`station ${ctx.station.id} has no temperature controller`);
  const bath = await ctx.devices.use(bathId, 'temperature-controller', ctx.commandTimeoutMs);
  const setpointC = setpointK - KELVIN;
  await journaled(
    ctx,
    step.key,
    { deviceId: bathId, settlement: step.settlement, request: { setpointC, toleranceK } },
    async () => {
      await bath.setSetpoint(setpointC, { signal: ctx.signal });
      await bath.start({ signal: ctx.signal });
      // Wait for the bath on the lab clock, with a generous bound from the planned duration.
      const deadline = ctx.clock.now() + Math.max(3 * step.estimatedDurationS * 1000, 30 * 60_000);
      for (;;) {
        const t = await bath.readTemperature({ signal: ctx.signal });
        if (Math.abs(t - setpointC) <= toleranceK) return { reachedC: t };
        if (ctx.clock.now() > deadline)
          throw new SafetyRefusal(
            `heat ${step.key}: ${bathId} did not reach ${setpointC} °C (at ${t.toFixed(1)} °C)`,
          );
        await labWait(ctx, pollInterval(ctx, 30_000, 50));
      }
    },
  );
}

/** hold: keep conditions for a lab duration (resumed with the remaining time after a crash), logging the temperature. */
export async function holdStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const durationMs = (siArg(step, 'duration') ?? 0) * 1000;
  const bathId = step.roles.includes('temperature-controller')
    ? ctx.devices.deviceIdFor(ctx.station, 'temperature-controller')
    : undefined;
  const bath = bathId
    ? await ctx.devices.use(bathId, 'temperature-controller', ctx.commandTimeoutMs)
    : undefined;
  await journaled(
    ctx,
    step.key,
    { deviceId: bathId, settlement: step.settlement, request: { durationMs }, resumable: true },
    async (_id, resumeFrom) => {
      const startedAt = (resumeFrom?.request as { labStart?: number } | null)?.labStart ?? ctx.clock.now();
      const endAt = startedAt + durationMs;
      while (ctx.clock.now() < endAt) {
        if (bath && bathId) {
          const t = await bath.readTemperature({ signal: ctx.signal });
          for (const sample of validSamples(ctx)) {
            await ctx.readings.append({
              deviceId: bathId,
              runId: ctx.runId,
              stepKey: step.key,
              sampleId: sample.id,
              name: 'grafting-temperature',
              value: t,
              unit: '°C',
              deviceTimestamp: new Date(ctx.clock.now()),
            });
          }
        }
        // A temperature point every lab minute, but never more than ~5 per real second.
        await labWait(ctx, Math.min(pollInterval(ctx, 60_000), endAt - ctx.clock.now()));
      }
      return { heldMs: ctx.clock.now() - startedAt };
    },
  );
}
