import type { Inventory } from '@graftlab/inventory';
import type { Problem } from '@graftlab/validation';
import type { ExecutionPlan, PlannedStep } from './plan.types';
import { timeline } from './safety';

/** Where a step leaves the run's samples, when it puts them somewhere (the engine's moves, step by step). */
function placeOf(step: PlannedStep): string | undefined {
  const arg = (name: string) =>
    typeof step.args[name] === 'string' ? (step.args[name] as string) : undefined;
  switch (step.type) {
    case 'transfer':
      return arg('to');
    case 'prompt': {
      const action = step.args.action as { kind?: string; location?: string } | undefined;
      return action?.kind === 'load-sample' ? action.location : undefined;
    }
    case 'weigh':
      return arg('location') ?? 'balance-1/pan';
    case 'irradiate': {
      const position = arg('position');
      const irradiator = step.deviceFor.irradiator;
      return position && !position.includes('/') && irradiator ? `${irradiator}/${position}` : position;
    }
    case 'dispense':
      return arg('vessel');
    case 'store':
      return arg('location') ?? 'freezer-1';
    case 'wash':
      return arg('location') ?? 'wash-1';
    case 'dry':
      // Drying to constant mass ends with the last weighing, on the balance pan.
      return step.args.untilConstantMass ? 'balance-1/pan' : (arg('location') ?? 'dryer-1');
    case 'functionalize':
      return arg('vessel') ?? 'hood-1/flask';
    case 'soak':
      return arg('location') ?? 'soak-bath-1';
    default:
      // titrate and impedance put the film back where it was.
      return undefined;
  }
}

/**
 * A run must not end with its samples lying in an instrument other runs share (the balance pan, an irradiation
 * position): the next run could not weigh or irradiate until a person cleared it. Knowable from the plan, so
 * refused before anything is done.
 */
export function checkSampleRoute(plan: ExecutionPlan, inventory: Inventory): Problem[] {
  let last: { step: PlannedStep; place: string } | undefined;
  for (const step of timeline(plan.steps)) {
    const place = placeOf(step);
    if (place) last = { step, place };
  }
  if (!last) return [];
  const device = inventory.locations.find((l) => l.id === last.place)?.device;
  if (!device || !inventory.shared.includes(device)) return [];
  return [
    {
      pointer: last.step.pointer,
      message: `the run would end with its samples in ${last.place}, an instrument other runs share (${device}): end with a transfer out of it (e.g. to rack-a)`,
    },
  ];
}
