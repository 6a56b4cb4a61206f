import { OperatorNeededError } from './engine.errors';
import type { RunContext } from './run-context';

/**
 * Samples of other runs lying at positions of these instruments (by the sample records, and by moves into them
 * not yet confirmed), with their run's state.
 */
export async function foreignSamplesAt(
  ctx: RunContext,
  instruments: readonly string[],
): Promise<{ text: string; progressing: boolean }[]> {
  const positions = ctx.inventory.locations
    .filter((l) => l.device && instruments.includes(l.device))
    .map((l) => l.id);
  if (!positions.length) return [];
  const others = await ctx.sampleRepo.othersAt(
    positions,
    ctx.samples.map((s) => s.id),
    ctx.runId,
  );
  return others.map(({ id, location, runStates }) => ({
    text: `sample ${id} ${location?.startsWith('on its way') ? location : `at ${location}`} (${runStates.length ? `its run is ${runStates.join(', ')}` : 'no run under way'})`,
    progressing: runStates.some((st) => st === 'running' || st === 'queued'),
  }));
}

/**
 * The last look before a physical action on an instrument that acts on every film inside it (the source doses every
 * position): under the instrument's lease, with our films in place, no other run's film may be there. The check
 * when entering (`acquireForStep`) holds only if every record was right when it ran; this one is made again right
 * before the act, and a foreign film found now is an anomaly for a person (nothing is sent), never a wait.
 */
export async function refuseForeignSamples(
  ctx: RunContext,
  stepKey: string,
  instrument: string,
): Promise<void> {
  const foreign = await foreignSamplesAt(ctx, [instrument]);
  if (foreign.length)
    throw new OperatorNeededError(
      `step ${stepKey} waits for ${instrument} to be cleared: ${foreign.map((f) => f.text).join(', ')} belongs to another run; remove it`,
    );
}
