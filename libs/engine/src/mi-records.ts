import type { IrradiationAtmosphere, RunMeasurementInput } from '@graftlab/db';
import { IRRADIATION_ATMOSPHERES } from '@graftlab/db';
import type { IrradiationPosition } from '@graftlab/inventory';
import type { PlannedStep } from '@graftlab/protocol';
import { DocumentError } from '@graftlab/validation';
import { stringArg } from './quantities';
import type { RunContext } from './run-context';

/**
 * What a lab run writes into the MI database besides its journal: how each film was irradiated (method, source,
 * atmosphere, when), how long it waited before the monomer met it, and what its measure steps measured (as
 * measurements with their uncertainty and instrument). A record the database refuses (a value outside its rules)
 * is logged and the run goes on: the run's own journal, ledger and results still hold the facts.
 */

async function written(ctx: RunContext, what: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (e) {
    if (!(e instanceof DocumentError)) throw e;
    ctx.log({ runId: ctx.runId, err: e.message }, `${what} not recorded in the MI database`);
  }
}

const SOURCE_KIND: Readonly<Record<string, 'gamma' | 'electron-beam' | undefined>> = {
  'Co-60': 'gamma',
  'Cs-137': 'gamma',
};

/** A film's irradiation for this run, from the plan, the step and the position's calibration. */
export async function recordIrradiation(
  ctx: RunContext,
  step: PlannedStep,
  sampleId: string,
  detail: { irradiatorId: string; position: IrradiationPosition; startedAt: Date },
): Promise<void> {
  const atmosphere = stringArg(step, 'atmosphere');
  await written(ctx, 'irradiation', () =>
    ctx.mi.irradiations.record({
      sampleId,
      runId: ctx.runId,
      method: ctx.plan.protocol.method,
      sourceKind: SOURCE_KIND[detail.position.nuclide] ?? null,
      source: detail.position.nuclide === 'none' ? null : detail.position.nuclide,
      facility: detail.irradiatorId,
      atmosphere: IRRADIATION_ATMOSPHERES.includes(atmosphere as IrradiationAtmosphere)
        ? (atmosphere as IrradiationAtmosphere)
        : null,
      irradiatedAt: detail.startedAt,
    }),
  );
}

/**
 * The moment the monomer meets a pre-irradiated film: the time it waited since its irradiation ended (radicals
 * decay meanwhile, faster when warm) and where it waited, onto its irradiation record.
 */
export async function recordContact(ctx: RunContext, sampleId: string, contactAt: Date): Promise<void> {
  const ends = (await ctx.ledger.forSample(sampleId))
    .filter((d) => d.runId === ctx.runId && d.endedAt)
    .map((d) => d.endedAt!.getTime());
  if (!ends.length || ctx.plan.protocol.method !== 'pre-irradiation') return;
  const storage = ctx.plan.steps.find((s) => s.type === 'store');
  const temperatureK = (storage?.args.temperature as { si?: number } | undefined)?.si;
  await written(ctx, 'storage before grafting', () =>
    ctx.mi.irradiations.record({
      sampleId,
      runId: ctx.runId,
      storageTimeH: Math.max(0, contactAt.getTime() - Math.max(...ends)) / 3_600_000,
      storageTemperatureC: temperatureK === undefined ? null : temperatureK - 273.15,
    }),
  );
}

/** A value a run's step measured, as a measurement of the MI database (replay-safe by run, step and sample). */
export async function recordMeasurement(ctx: RunContext, input: RunMeasurementInput): Promise<void> {
  await written(ctx, `measurement ${input.property}`, () => ctx.mi.measurements.record(input));
}
