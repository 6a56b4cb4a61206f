import type { PlannedStep } from '@graftlab/protocol';
import { stringArg } from '../quantities';
import type { RunContext } from '../run-context';
import { validSamples } from '../run-context';
import { measureIec, recordedMass } from './instrument-measurement';

/** titrate: the IEC of each film on the titrator, per the dry mass the protocol weighed (issue #14). */
export async function titrateStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const titratorId = step.devices[0] ?? ctx.devices.deviceIdFor(ctx.station, 'titrator');
  if (!titratorId) throw new Error('no titrator in the inventory');
  const method = stringArg(step, 'method') ?? 'IEC-NAOH';
  const massName = stringArg(step, 'mass') ?? 'W_g';
  for (const sample of validSamples(ctx)) {
    await measureIec(
      ctx,
      {
        key: `${step.key}/${sample.id}`,
        stepKey: step.key,
        sample,
        returnTo: sample.location,
        record: step.records,
      },
      titratorId,
      method,
      recordedMass(ctx, sample, massName, step.key),
    );
  }
}
