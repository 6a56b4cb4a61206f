import type { PlannedStep } from '@graftlab/protocol';
import { stringArg } from '../quantities';
import type { RunContext } from '../run-context';
import { validSamples } from '../run-context';
import { measureConductivity } from './instrument-measurement';

/** impedance: the conductivity of each film in the impedance analyser's cell (issue #14). */
export async function impedanceStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const analyserId = step.devices[0] ?? ctx.devices.deviceIdFor(ctx.station, 'impedance-analyser');
  if (!analyserId) throw new Error('no impedance analyser in the inventory');
  const mode = stringArg(step, 'mode') === 'through-plane' ? 'through-plane' : 'in-plane';
  for (const sample of validSamples(ctx)) {
    await measureConductivity(
      ctx,
      {
        key: `${step.key}/${sample.id}`,
        stepKey: step.key,
        sample,
        returnTo: sample.location,
        record: step.records,
        conditions: { mode },
      },
      analyserId,
      mode,
    );
  }
}
