import {
  deviceById,
  type DeviceRole,
  type InventoryDevice,
  type InventoryStation,
} from '@graftlab/inventory';
import { planCharacterization, visitTimesS } from './characterization.resolver';
import type { Compilation } from './compilation.context';
import { checkBathLimits, checkFlowLimit } from './device.limits';
import { AMBIENT_K, estimateDurationS } from './duration.estimates';
import { resolveIrradiation } from './irradiation.resolver';
import type { PlannedStep, ResolvedArg } from './plan.types';
import { quantityFields } from './quantity.fields';
import type { ResolvedQuantity } from './quantity.resolver';
import { siOf } from './resolved-arg.access';
import { rolesOf, settlementOf } from './step.catalog';
import { STEP_SCHEMAS, type Step } from './steps.schema';

/** Plans a list of steps from startS: one after the other, or (a parallel block) all at startS. */
export function planSteps(
  c: Compilation,
  steps: readonly Step[],
  base: string,
  startS: number,
  parallel: boolean,
): PlannedStep[] {
  let t = startS;
  return steps.map((step, i) => {
    const planned = planStep(c, step, `${base}/${i}`, parallel ? startS : t);
    if (!parallel) t += planned.estimatedDurationS;
    return planned;
  });
}

/** Resolves every quantity field of a step into SI; copies the rest. */
function resolveArgs(c: Compilation, step: Step, pointer: string): Record<string, ResolvedArg> {
  const out: Record<string, ResolvedArg> = {};
  for (const [k, v] of Object.entries(step)) {
    if (['key', 'type', 'title', 'note', 'steps'].includes(k) || v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (v !== null && typeof v === 'object') out[k] = { ...(v as Record<string, ResolvedArg>) };
  }
  for (const field of quantityFields(STEP_SCHEMAS[step.type], step, pointer)) {
    const value = c.resolve(field);
    if (value === undefined) continue;
    let target = out;
    field.path.slice(0, -1).forEach((p) => {
      target = target[p] as Record<string, ResolvedArg>;
    });
    target[field.path[field.path.length - 1]] = value;
  }
  return out;
}

/**
 * Resolves one step against the inventory: its locations, the station and devices that serve it
 * (checked against their limits), dose and exposure, consumables; problems go to the compilation.
 */
function planStep(c: Compilation, step: Step, pointer: string, startS: number): PlannedStep {
  const args = resolveArgs(c, step, pointer);
  const roles = rolesOf(step);
  const devices: InventoryDevice[] = [];
  let station: InventoryStation | undefined;
  let dose: ResolvedQuantity | undefined;
  let doseRate: ResolvedQuantity | undefined;
  let exposureS: number | undefined;
  let startK: number | undefined;
  let children: PlannedStep[] | undefined;
  const need = (role: DeviceRole, at = pointer) => {
    const d = c.device(role, station, at);
    if (d) devices.push(d);
    return d;
  };

  switch (step.type) {
    case 'weigh': {
      const loc = c.location(step.location, `${pointer}/location`);
      const own = loc?.device ? deviceById(c.inventory, loc.device) : undefined;
      if (own && own.role !== 'balance') {
        c.problems.push({
          pointer: `${pointer}/location`,
          message: `"${step.location}" is not a balance position`,
        });
      }
      if (own?.role === 'balance') devices.push(own);
      else need('balance');
      break;
    }
    case 'transfer':
      c.location(step.from, `${pointer}/from`);
      c.location(step.to, `${pointer}/to`);
      if (step.by === 'robot') need('sample-handler');
      break;
    case 'purge':
    case 'evacuate-refill': {
      const loc = c.location(step.target, `${pointer}/target`);
      station = c.station(loc, `${pointer}/target`, roles);
      if (station) roles.forEach((r) => need(r, `${pointer}/target`));
      if (step.type === 'purge') {
        checkFlowLimit(
          c.problems,
          devices.find((d) => d.role === 'gas-controller'),
          'maxSccm',
          { name: 'flow', si: siOf(args, 'flow'), pointer: `${pointer}/flow` },
        );
      }
      break;
    }
    case 'irradiate': {
      const irradiation = resolveIrradiation(c, step.position, args, `${pointer}/position`);
      if (irradiation) {
        devices.push(irradiation.device);
        ({ dose, doseRate, exposureS } = irradiation);
      }
      need('shutter');
      break;
    }
    case 'store': {
      const loc = c.location(step.location, `${pointer}/location`);
      const maxK = siOf(args, 'temperature');
      const locK = loc?.temperatureC === undefined ? AMBIENT_K : loc.temperatureC + 273.15;
      if (loc && maxK !== undefined && locK > maxK + 1e-9) {
        c.problems.push({
          pointer: `${pointer}/temperature`,
          message: `"${loc.id}" is at ${loc.temperatureC ?? 'ambient (20)'} °C, warmer than the required ${step.temperature}`,
        });
      }
      break;
    }
    case 'dispense': {
      const loc = c.location(step.vessel, `${pointer}/vessel`);
      station = c.station(loc, `${pointer}/vessel`, roles);
      const pump = station ? need('dispenser', `${pointer}/vessel`) : undefined;
      if (pump?.reagent !== undefined && pump.reagent !== step.reagent) {
        c.problems.push({
          pointer: `${pointer}/reagent`,
          message: `dispenser "${pump.id}" of station "${station!.id}" holds "${pump.reagent}", not "${step.reagent}"`,
        });
      }
      checkFlowLimit(c.problems, pump, 'maxRateMlPerMin', {
        name: 'rate',
        si: siOf(args, 'rate'),
        pointer: `${pointer}/rate`,
      });
      const used = c.consumables.get(step.reagent) ?? { volume: 0, mass: 0 };
      used.volume += siOf(args, 'volume') ?? 0;
      used.mass += siOf(args, 'mass') ?? 0;
      c.consumables.set(step.reagent, used);
      break;
    }
    case 'heat': {
      const loc = c.location(step.vessel, `${pointer}/vessel`);
      station = c.station(loc, `${pointer}/vessel`, roles);
      const bath = station ? need('temperature-controller', `${pointer}/vessel`) : undefined;
      const setK = siOf(args, 'setpoint');
      if (setK !== undefined && bath) checkBathLimits(c.problems, bath, setK, `${pointer}/setpoint`);
      startK = c.vesselTemperature.get(step.vessel);
      if (setK !== undefined) c.vesselTemperature.set(step.vessel, setK);
      break;
    }
    case 'hold': {
      if (step.vessel !== undefined) {
        const loc = c.location(step.vessel, `${pointer}/vessel`);
        station = c.station(loc, `${pointer}/vessel`, roles);
      } else if (roles.length) {
        c.problems.push({
          pointer: `${pointer}/vessel`,
          message: 'a hold at a temperature needs the vessel it holds',
        });
      }
      const bath = station ? need('temperature-controller', `${pointer}/vessel`) : undefined;
      const k = siOf(args, 'temperature');
      if (k !== undefined && bath) checkBathLimits(c.problems, bath, k, `${pointer}/temperature`);
      break;
    }
    case 'stir':
    case 'drain':
      c.location(step.vessel, `${pointer}/vessel`);
      break;
    case 'wash':
    case 'dry':
      c.location(step.location, `${pointer}/location`);
      break;
    case 'wait':
    case 'measure':
      break;
    case 'prompt':
      if (step.action?.kind === 'load-sample') c.location(step.action.location, `${pointer}/action/location`);
      break;
    case 'functionalize':
    case 'titrate':
    case 'impedance':
    case 'soak':
      planCharacterization(c, step, pointer, args, need);
      break;
    case 'parallel':
      children = planSteps(c, step.steps, `${pointer}/steps`, startS, true);
      break;
  }

  return {
    key: step.key,
    type: step.type,
    ...(step.title !== undefined ? { title: step.title } : {}),
    pointer,
    role: roles[0] ?? null,
    roles,
    devices: devices.map((d) => d.id),
    deviceFor: Object.fromEntries(devices.map((d) => [d.role, d.id])),
    station: station?.id ?? null,
    settlement: settlementOf(step),
    args,
    startOffsetS: startS,
    estimatedDurationS: estimateDurationS(step, args, {
      exposureS,
      startK,
      children,
      ...(step.type === 'soak' ? { visitsS: visitTimesS(args) } : {}),
    }),
    ...(dose ? { dose } : {}),
    ...(doseRate ? { doseRate } : {}),
    ...(exposureS !== undefined ? { exposureS } : {}),
    ...(step.type === 'weigh' || step.type === 'measure' ? { records: step.record } : {}),
    ...((step.type === 'titrate' || step.type === 'impedance') && step.record
      ? { records: step.record }
      : {}),
    ...(children ? { children } : {}),
  };
}
