import { massEstimate } from '@graftlab/db';
import type { PlannedStep } from '@graftlab/protocol';
import { journaled } from '../journaled';
import { numberArg, stringArg } from '../quantities';
import type { RunContext } from '../run-context';
import { validSamples } from '../run-context';
import { ensureAt } from '../sample-moves';
import { deviceFor } from '../step-devices';

/** The MI database's names for the masses DG is computed from (W_0 → W0, W_g → Wg). */
export function readingNameFor(record: string): string {
  return record.replace(/_/g, '');
}

/** Balance repeatability from the inventory's calibration record, in g. */
function repeatabilityG(ctx: RunContext, balanceId: string): number {
  const cal = ctx.inventory.devices.find((d) => d.id === balanceId)?.calibration;
  return cal ? cal.repeatabilityMg / 1000 : 0.0001;
}

/** weigh: each sample on the pan, stable readings (MT-SICS S) as replicates, mean and standard uncertainty recorded. */
export async function weighStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const record = step.records ?? stringArg(step, 'record');
  if (!record) throw new Error(`weigh step ${step.key} records no value`);
  const location = stringArg(step, 'location') ?? 'balance-1/pan';
  const replicates = numberArg(step, 'replicates') ?? 1;
  const balanceId = deviceFor(ctx, step, 'balance');
  if (!balanceId) throw new Error('no balance in the inventory');
  const balance = await ctx.devices.use(balanceId, 'balance', ctx.commandTimeoutMs);
  try {
    for (const sample of validSamples(ctx)) {
      const key = `${step.key}/${sample.id}`;
      const result = await journaled(
        ctx,
        key,
        {
          deviceId: balanceId,
          sampleId: sample.id,
          settlement: step.settlement,
          request: { record, replicates, location },
        },
        async () => {
          // Zero the empty pan first: the sample is placed after.
          if (sample.location !== location) await balance.zero({ signal: ctx.signal, timeoutMs: 30_000 });
          await ensureAt(ctx, sample, location, step.key);
          const grams: number[] = [];
          for (let i = 0; i < replicates; i++) {
            const reading = await balance.weighStable({ signal: ctx.signal, timeoutMs: 30_000 });
            grams.push(reading.grams);
            await ctx.readings.append({
              deviceId: balanceId,
              runId: ctx.runId,
              stepKey: step.key,
              sampleId: sample.id,
              name: readingNameFor(record),
              value: reading.grams,
              unit: 'g',
              raw: reading.raw,
              deviceTimestamp: new Date(reading.at),
            });
          }
          const estimate = massEstimate({ replicates: grams, repeatability: repeatabilityG(ctx, balanceId) });
          return { grams, mean: estimate.mean, uncertainty: estimate.u };
        },
      );
      const entry = ctx.recorded.get(sample.id) ?? {};
      entry[record] = { value: result.mean, uncertainty: result.uncertainty, replicates: result.grams };
      ctx.recorded.set(sample.id, entry);
      if (record === 'W_0' || record === 'W0')
        await ctx.sampleRepo.setInitialMass(sample.id, result.mean).catch(() => undefined);
    }
  } finally {
    await ctx.devices.releaseShared(balanceId);
  }
}
