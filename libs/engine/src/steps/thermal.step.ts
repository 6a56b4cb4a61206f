import type { PlannedStep } from '@graftlab/protocol';
import { SafetyRefusal } from '../engine.errors';
import { journaled } from '../journaled';
import { gateStep } from '../safety-gate';
import { KELVIN, siArg } from '../quantities';
import type { RunContext } from '../run-context';
import { validSamples } from '../run-context';
import { labWait, pollInterval } from './lab-wait';
import { deviceFor } from '../step-devices';

/**
 * Heating above the solvent's flash point is allowed only in a vessel declared inert and purged; the station's
 * O₂ sensor is read just before the setpoint goes out, and the envelope's rules judge that reading.
 */
async function gateSetpoint(ctx: RunContext, step: PlannedStep, setpointK: number): Promise<void> {
  const env = ctx.plan.safety;
  const o2Id = deviceFor(ctx, step, 'o2-sensor');
  if (
    env.flashPointLimitK === null ||
    setpointK <= env.flashPointLimitK ||
    !env.inertAboveFlashPoint ||
    !o2Id
  )
    return;
  const o2 = await ctx.devices.use(o2Id, 'o2-sensor', ctx.commandTimeoutMs);
  const ppm = await o2.readPpm({ signal: ctx.signal });
  await gateStep(ctx, step, { vesselO2Fraction: ppm * 1e-6 });
}

/** heat: setpoint to the station's circulator, started, then wait until the bath is within tolerance. */
export async function heatStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const setpointK = siArg(step, 'setpoint');
  if (setpointK === undefined) throw new Error(`heat step ${step.key} has no setpoint`);
  await gateSetpoint(ctx, step, setpointK);
  const toleranceK = siArg(step, 'tolerance') ?? 1;
  const bathId = deviceFor(ctx, step, 'temperature-controller');
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
    ? deviceFor(ctx, step, 'temperature-controller')
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
