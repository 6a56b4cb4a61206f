import type { PlannedStep } from '@graftlab/protocol';
import { stringArg } from '../quantities';
import type { RunContext } from '../run-context';
import { validSamples } from '../run-context';
import { ensureAt } from '../sample-moves';

/** transfer: every sample of the run to the destination (robot or operator, see ensureAt). */
export async function transferStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const to = stringArg(step, 'to');
  if (!to) throw new Error(`transfer step ${step.key} has no destination`);
  for (const sample of validSamples(ctx)) await ensureAt(ctx, sample, to, step.key);
}
