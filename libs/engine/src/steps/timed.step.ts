import type { PlannedStep } from '@graftlab/protocol';
import { journaled } from '../journaled';
import { KELVIN, siArg, stringArg } from '../quantities';
import type { RunContext } from '../run-context';
import { validSamples } from '../run-context';
import { ensureAt } from '../sample-moves';
import { labWait } from './lab-wait';

/** A step that is a place and a lab duration (wait, store, stir, wash); resumed with the remaining time. */
async function timedAt(
  ctx: RunContext,
  step: PlannedStep,
  location: string | undefined,
  durationMs: number,
): Promise<void> {
  if (location) for (const sample of validSamples(ctx)) await ensureAt(ctx, sample, location, step.key);
  await journaled(
    ctx,
    step.key,
    { settlement: step.settlement, request: { location, durationMs }, resumable: true },
    async (_id, resumeFrom) => {
      const startedAt = (resumeFrom?.request as { labStart?: number } | null)?.labStart ?? ctx.clock.now();
      await labWait(ctx, startedAt + durationMs - ctx.clock.now());
      return { location: location ?? null, durationMs };
    },
  );
}

export async function waitStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  await timedAt(ctx, step, undefined, (siArg(step, 'duration') ?? 0) * 1000);
}

export async function stirStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  await timedAt(ctx, step, undefined, (siArg(step, 'duration') ?? 0) * 1000);
}

/** store: the samples go to the storage location (freezer, rack) and its temperature is logged for the passport. */
export async function storeStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const location = stringArg(step, 'location') ?? 'freezer-1';
  const startedAt = new Date(ctx.clock.now());
  await timedAt(ctx, step, location, (siArg(step, 'duration') ?? 0) * 1000);
  const temperatureC =
    ctx.inventory.locations.find((l) => l.id === location)?.temperatureC ??
    (siArg(step, 'temperature') ?? 295.15) - KELVIN;
  for (const sample of validSamples(ctx)) {
    await ctx.sampleRepo
      .recordStorage(sample.id, {
        location,
        temperatureC,
        startedAt,
        endedAt: new Date(ctx.clock.now()),
        actor: ctx.holder,
      })
      .catch(() => undefined);
  }
}

/** drain: the monomer solution leaves the vessel; the samples are lifted out (to the wash station) by the next step. */
/**
 * drain: the vessel is emptied (the grafting stops for the films in it). The inventory has no drain valve, so a
 * person does it — the virtual operator in the virtual lab; then the step's duration (the film drips) passes.
 */
export async function drainStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const vessel = stringArg(step, 'vessel') ?? ctx.station.vessel;
  await journaled(
    ctx,
    `${step.key}/empty`,
    { settlement: step.settlement, request: { vessel } },
    async (commandId) => {
      const answer = await ctx.operator.ask(
        {
          promptId: commandId,
          runId: ctx.runId,
          stepKey: step.key,
          message: `Drain ${vessel} into the waste container`,
          action: { kind: 'drain', location: vessel },
        },
        { timeoutMs: 24 * 3600_000, signal: ctx.signal },
      );
      return { vessel, by: answer.by };
    },
  );
  await timedAt(ctx, step, undefined, (siArg(step, 'duration') ?? 0) * 1000);
}

/** wash: cycles of fresh solvent at the wash station to extract homopolymer. */
export async function washStep(ctx: RunContext, step: PlannedStep): Promise<void> {
  const cycles = typeof step.args.cycles === 'number' ? step.args.cycles : 3;
  const cycleMs = (siArg(step, 'cycleDuration') ?? 15 * 60) * 1000;
  await timedAt(ctx, step, stringArg(step, 'location') ?? 'wash-1', cycles * cycleMs);
}
