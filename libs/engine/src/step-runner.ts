import type { PlannedStep } from '@graftlab/protocol';
import { OperatorNeededError, RunInterrupted } from './engine.errors';
import { stringArg } from './quantities';
import type { RunControl } from './run-control';
import type { RunContext } from './run-context';
import { gateStep } from './safety-gate';
import { dispenseStep } from './steps/dispense.step';
import { dryStep } from './steps/dry.step';
import { functionalizeStep } from './steps/functionalize.step';
import { impedanceStep } from './steps/impedance.step';
import { irradiateStep } from './steps/irradiate.step';
import { measureStep, promptStep } from './steps/operator.step';
import { purgeStep } from './steps/purge.step';
import { soakStep } from './steps/soak.step';
import { heatStep, holdStep } from './steps/thermal.step';
import { titrateStep } from './steps/titrate.step';
import { drainStep, stirStep, storeStep, waitStep, washStep } from './steps/timed.step';
import { transferStep } from './steps/transfer.step';
import { weighStep } from './steps/weigh.step';
import { enforceWindows } from './time-windows';
import { foreignSamplesAt } from './foreign-samples';
import { deviceFor } from './step-devices';

/** One step of the plan on this run's station: the exhaustive map from step type to what the lab does. */
async function executeStep(ctx: RunContext, step: PlannedStep, control: RunControl): Promise<void> {
  switch (step.type) {
    case 'weigh':
      return weighStep(ctx, step);
    case 'transfer':
      return transferStep(ctx, step);
    case 'purge':
    case 'evacuate-refill':
      return purgeStep(ctx, step);
    case 'irradiate':
      return irradiateStep(ctx, step);
    case 'store':
      return storeStep(ctx, step);
    case 'dispense':
      return dispenseStep(ctx, step);
    case 'heat':
      return heatStep(ctx, step);
    case 'hold':
      return holdStep(ctx, step);
    case 'stir':
      return stirStep(ctx, step);
    case 'wait':
      return waitStep(ctx, step);
    case 'drain':
      return drainStep(ctx, step);
    case 'wash':
      return washStep(ctx, step);
    case 'dry':
      return dryStep(ctx, step);
    case 'measure':
      return measureStep(ctx, step);
    case 'prompt':
      return promptStep(ctx, step);
    case 'functionalize':
      return functionalizeStep(ctx, step);
    case 'titrate':
      return titrateStep(ctx, step);
    case 'impedance':
      return impedanceStep(ctx, step);
    case 'soak':
      return soakStep(ctx, step);
    case 'parallel':
      await Promise.all((step.children ?? []).map((child) => runStep(ctx, child, control, [])));
      return;
  }
}

/** The shared instrument a location belongs to (an irradiation position, the balance pan), if any. */
function instrumentAt(ctx: RunContext, location: string | undefined): string | undefined {
  if (!location) return undefined;
  const device = ctx.inventory.locations.find((l) => l.id === location)?.device;
  return device && ctx.devices.isShared(device) ? device : undefined;
}

/**
 * Shared instruments whose positions hold this run's samples. A film lying in the irradiator is dosed by whoever
 * opens the shutter, and one on the balance pan adds to whoever weighs: the run keeps such an instrument's lease
 * for as long as its samples are there, not only during its own irradiate/weigh step.
 */
export function occupiedInstruments(ctx: RunContext): string[] {
  return [
    ...new Set(ctx.samples.map((s) => instrumentAt(ctx, s.location)).filter((id): id is string => !!id)),
  ];
}

/** How long a run waits for another run's film to leave an instrument when that run is not moving on by itself. */
const FOREIGN_SAMPLE_WAIT_MS = 120_000;
/** The bound when the film's run is running or queued (it moves the film on itself, e.g. after a worker restart). */
const FOREIGN_SAMPLE_PROGRESS_WAIT_MS = 600_000;

/**
 * Takes the step's leases, and — when the step puts our samples into a shared instrument — only once no other
 * run's sample lies in it. A crashed, paused or operator-waiting run leaves its film in the irradiator after its
 * lease is gone; irradiating ours then would dose theirs too. While waiting we give the leases back, so the run
 * whose film is there can take them and move it out (no deadlock). Bounded: briefly when the film's run is not
 * moving on by itself (paused, waiting for a person), longer while it is running or queued; then a person is asked.
 */
async function acquireForStep(ctx: RunContext, step: PlannedStep, needed: readonly string[]): Promise<void> {
  const occupied = occupiedInstruments(ctx);
  const entering = sharedDevicesOf(ctx, step).filter(
    (id) => !occupied.includes(id) && ctx.inventory.locations.some((l) => l.device === id),
  );
  const started = Date.now();
  for (;;) {
    // Look first (a read needs no lease): a run waiting for another's film must not take and drop the instruments
    // every 250 ms, or the run that would clear them can starve on its leases while our wait bound never comes.
    let foreign = entering.length ? await foreignSamplesAt(ctx, entering) : [];
    if (!foreign.length) {
      const taken = needed.length ? await ctx.leases.acquire(needed, ctx.holder, ctx.runId, ctx.signal) : [];
      // Look again under the leases: nobody can move a film in while we hold the instrument's lease.
      foreign = entering.length ? await foreignSamplesAt(ctx, entering) : [];
      if (!foreign.length) return;
      await ctx.leases.release(taken, ctx.holder);
    }
    const bound = foreign.every((f) => f.progressing)
      ? FOREIGN_SAMPLE_PROGRESS_WAIT_MS
      : FOREIGN_SAMPLE_WAIT_MS;
    if (Date.now() - started > bound)
      throw new OperatorNeededError(
        `step ${step.key} waits for ${entering.join(', ')} to be cleared: ${foreign.map((f) => f.text).join(', ')} belongs to another run; remove it`,
      );
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => (clearTimeout(t), reject(ctx.signal.reason as Error));
      // The listener goes with the wait: a long wait must not pile listeners up on the run's signal.
      const t = setTimeout(() => (ctx.signal.removeEventListener('abort', onAbort), resolve()), 250);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Shared instruments a step uses: its own roles, and the instrument whose position it puts samples into. */
export function sharedDevicesOf(ctx: RunContext, step: PlannedStep): string[] {
  const ids = step.roles.map((role) => deviceFor(ctx, step, role)).filter((id): id is string => !!id);
  const destination = instrumentAt(
    ctx,
    stringArg(step, 'to') ?? stringArg(step, 'position') ?? stringArg(step, 'location'),
  );
  const nested = (step.children ?? []).flatMap((c) => sharedDevicesOf(ctx, c));
  return [...new Set([...ids, ...(destination ? [destination] : []), ...nested])].filter((id) =>
    ctx.devices.isShared(id),
  );
}

/**
 * Runs one step at a safe point: honours pause/abort requests first, takes the leases it needs (keeping those the
 * next steps still need — held across consecutive steps), records its lab-clock start and end, and enforces the
 * time windows that close at its start or end.
 */
export async function runStep(
  ctx: RunContext,
  step: PlannedStep,
  control: RunControl,
  keepAfter: readonly string[],
): Promise<void> {
  const request = await control.pending(ctx.runId);
  if (request) throw new RunInterrupted(request.kind === 'pause' ? 'pause' : request.kind, request.reason);
  const known = ctx.timeline.get(step.key) ?? {};
  // A step the journal shows finished is only replayed from its read-backs: it needs no instrument. Taking leases
  // for it would make a continued run wait on instruments it no longer uses (and deadlock on occupied ones).
  // Otherwise the instruments our samples already occupy are part of the set (a continued run re-takes them).
  const needed =
    known.end !== undefined ? [] : [...new Set([...sharedDevicesOf(ctx, step), ...occupiedInstruments(ctx)])];
  // The envelope's rules on the lab as the run's records show it, before any instrument is taken.
  if (known.end === undefined && step.type !== 'parallel') await gateStep(ctx, step);
  if (known.end === undefined) await acquireForStep(ctx, step, needed);
  const start = known.start ?? ctx.clock.now();
  ctx.timeline.set(step.key, { start });
  await enforceWindows(ctx, step.key, 'start');
  await executeStep(ctx, step, control);
  ctx.timeline.set(step.key, { start, end: ctx.timeline.get(step.key)?.end ?? ctx.clock.now() });
  await enforceWindows(ctx, step.key, 'end');
  const occupied = occupiedInstruments(ctx);
  const release = needed.filter((id) => !keepAfter.includes(id) && !occupied.includes(id));
  await ctx.leases.release(release, ctx.holder);
}
