import type { NewReading } from '@graftlab/db';
import { DeviceError } from '@graftlab/devices';
import { allSteps, type ExecutionPlan, type PlannedStep } from '@graftlab/protocol';
import { journaled } from '../journaled';
import { M3_PER_ML, siArg, stringArg } from '../quantities';
import type { RunContext } from '../run-context';
import { validSamples } from '../run-context';
import { recordContact } from '../mi-records';
import { ensureAt } from '../sample-moves';
import { deviceFor } from '../step-devices';

const DEFAULT_RATE_ML_PER_MIN = 10;
/** How far the pump's counter may be from the volume asked for: 1 %, or 0.01 mL for small volumes. */
const DISPENSE_TOLERANCE_REL = 0.01;
const DISPENSE_TOLERANCE_ML = 0.01;

/**
 * dispense: the station's pump delivers the reagent into the vessel where the samples already lie (the moment of
 * monomer contact). The delivered volume is read back from the pump's own counter, never assumed.
 */
export async function dispenseStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const vessel = stringArg(step, 'vessel') ?? ctx.station.vessel;
  const volumeM3 = siArg(step, 'volume') ?? (siArg(step, 'mass') ?? 0) / 1000; // mass-only: water-like density, 1 g/mL
  const volumeMl = volumeM3 / M3_PER_ML;
  const rate = siArg(step, 'rate');
  const rateMlPerMin = rate ? (rate / M3_PER_ML) * 60 : DEFAULT_RATE_ML_PER_MIN;
  const pumpId = deviceFor(ctx, step, 'dispenser');
  if (!pumpId) throw new Error(`station ${ctx.station.id} has no dispenser`);
  for (const sample of validSamples(ctx)) await ensureAt(ctx, sample, vessel, step.key);
  const pump = await ctx.devices.use(pumpId, 'dispenser', ctx.commandTimeoutMs);
  const before = await pump.counters({ signal: ctx.signal });
  const contact = (): NewReading[] =>
    validSamples(ctx).map((sample) => ({
      deviceId: pumpId,
      runId: ctx.runId,
      stepKey: step.key,
      sampleId: sample.id,
      name: 'monomer-contact',
      value: 0,
      deviceTimestamp: new Date(ctx.clock.now()),
    }));
  await journaled(
    ctx,
    step.key,
    {
      deviceId: pumpId,
      settlement: step.settlement,
      request: {
        reagent: stringArg(step, 'reagent'),
        vessel,
        volumeMl,
        rateMlPerMin,
        countersBefore: before,
      },
      // The moment of monomer contact is written with the dispatch, the delivered volume with the confirmation.
      readings: {
        atDispatch: contact(),
        atConfirm: (readBack) =>
          validSamples(ctx).map((sample) => ({
            deviceId: pumpId,
            runId: ctx.runId,
            stepKey: step.key,
            sampleId: sample.id,
            name: 'dispensed-volume',
            value: Number(readBack.deliveredMl),
            unit: 'mL',
          })),
      },
    },
    async (commandId) => {
      const out = await pump.dispense(
        { commandId, volumeMl, rateMlPerMin },
        {
          signal: ctx.signal,
          timeoutMs: ctx.clock.toRealMs((volumeMl / rateMlPerMin) * 60_000) + 10 * ctx.commandTimeoutMs,
        },
      );
      // The pump's own counter must show the volume asked for: a pump that stopped early (a stall, a stop from
      // elsewhere, a misread prompt) delivered part of it, which is neither done nor safe to repeat — a person
      // decides (the journal keeps the step uncertain with the figures).
      if (
        Math.abs(out.deliveredMl - volumeMl) >
        Math.max(DISPENSE_TOLERANCE_REL * volumeMl, DISPENSE_TOLERANCE_ML)
      )
        throw new DeviceError(
          'device',
          pumpId,
          `delivered ${+out.deliveredMl.toPrecision(4)} mL of the ${+volumeMl.toPrecision(4)} mL asked for (by its own counter)`,
        );
      return { deliveredMl: out.deliveredMl };
    },
  );
  // The film met the monomer when the dispense was sent: how long it waited since its irradiation goes on its
  // irradiation record (the journal's time, so a replay writes the same value).
  const labStart = (ctx.journalRows.get(step.key)?.request as { labStart?: number } | null)?.labStart;
  if (labStart !== undefined && isMonomerContact(ctx, step))
    for (const sample of validSamples(ctx)) await recordContact(ctx, sample.id, new Date(labStart));
}

/** Per plan: the key of the first dispense after its last irradiation (null: none), found once. */
const contactKeys = new WeakMap<ExecutionPlan, string | null>();

/** The first dispense after the plan's last irradiation: the moment the monomer meets the irradiated film. */
function isMonomerContact(ctx: RunContext, step: PlannedStep): boolean {
  let key = contactKeys.get(ctx.plan);
  if (key === undefined) {
    const order = allSteps(ctx.plan.steps);
    const lastIrradiation = order.map((s) => s.type).lastIndexOf('irradiate');
    key =
      lastIrradiation < 0
        ? null
        : (order.slice(lastIrradiation + 1).find((s) => s.type === 'dispense')?.key ?? null);
    contactKeys.set(ctx.plan, key);
  }
  return key === step.key;
}
