import type { PlannedStep } from '@graftlab/protocol';
import { RunInterrupted } from './engine.errors';
import type { RunControl } from './run-control';
import type { RunContext } from './run-context';
import { dispenseStep } from './steps/dispense.step';
import { dryStep } from './steps/dry.step';
import { irradiateStep } from './steps/irradiate.step';
import { measureStep, promptStep } from './steps/operator.step';
import { purgeStep } from './steps/purge.step';
import { heatStep, holdStep } from './steps/thermal.step';
import { drainStep, stirStep, storeStep, waitStep, washStep } from './steps/timed.step';
import { transferStep } from './steps/transfer.step';
import { weighStep } from './steps/weigh.step';
import { enforceWindows } from './time-windows';

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
    case 'parallel':
      await Promise.all((step.children ?? []).map((child) => runStep(ctx, child, control, [])));
      return;
  }
}

/** Shared instruments a step uses (its own roles; robot moves lease the robot themselves). */
export function sharedDevicesOf(ctx: RunContext, step: PlannedStep): string[] {
  const ids = step.roles
    .map((role) => ctx.devices.deviceIdFor(ctx.station, role))
    .filter((id): id is string => !!id);
  const nested = (step.children ?? []).flatMap((c) => sharedDevicesOf(ctx, c));
  return [...new Set([...ids, ...nested])].filter((id) => ctx.devices.isShared(id));
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
  const needed = sharedDevicesOf(ctx, step);
  if (needed.length) await ctx.leases.acquire(needed, ctx.holder, ctx.runId, ctx.signal);
  const known = ctx.timeline.get(step.key) ?? {};
  const start = known.start ?? ctx.clock.now();
  ctx.timeline.set(step.key, { start });
  await enforceWindows(ctx, step.key, 'start');
  await executeStep(ctx, step, control);
  ctx.timeline.set(step.key, { start, end: ctx.timeline.get(step.key)?.end ?? ctx.clock.now() });
  await enforceWindows(ctx, step.key, 'end');
  const release = needed.filter((id) => !keepAfter.includes(id));
  await ctx.leases.release(release, ctx.holder);
}
