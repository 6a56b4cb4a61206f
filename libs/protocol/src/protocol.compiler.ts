import {
  deviceById,
  deviceForRole,
  doseRateAt,
  type DeviceRole,
  type Inventory,
  type InventoryDevice,
  type InventoryLocation,
  type InventoryStation,
  type IrradiationPosition,
} from '@graftlab/inventory';
import { DocumentError, type Problem } from '@graftlab/validation';
import { canonicalJson, sha256 } from './canonical-json.hash';
import { parameterScope, resolveField, type ParameterScope } from './parameter.scope';
import { resolveParameterValues } from './parameter.values';
import type {
  CalibrationUsed,
  Consumable,
  ExecutionPlan,
  PlannedStep,
  ResolvedArg,
  SafetyEnvelope,
  StepEvent,
  TimeWindow,
} from './plan.types';
import { materialsSchema } from './materials.schema';
import { PLAN_VERSION } from './protocol.versions';
import { protocolSafetySchema, timeWindowSchema, type Protocol } from './protocol.schema';
import { quantityFields } from './quantity.fields';
import { tidy, type ResolvedQuantity } from './quantity.resolver';
import { checkSafety } from './safety.check';
import { rolesOf, settlementOf } from './step.catalog';
import { STEP_SCHEMAS, type Step } from './steps.schema';

export interface CompileOptions {
  /** Plan date for decay correction (defaults to today); only its UTC date matters. */
  readonly now?: Date;
}

/** Assumed starting temperature of a vessel, for heating estimates. */
const AMBIENT_K = 293.15;
const DEFAULT_RAMP_K_PER_S = 2 / 60;
const DEFAULT_DISPENSE_RATE_M3_PER_S = 10e-6 / 60;

const q = (si: number, siUnit: string, value: number, unit: string): ResolvedQuantity => ({
  si,
  siUnit,
  value,
  unit,
});
const isQuantity = (a: ResolvedArg | undefined): a is ResolvedQuantity =>
  a !== undefined && typeof a === 'object' && 'si' in a && typeof a.si === 'number';
const siOf = (args: Readonly<Record<string, ResolvedArg>>, name: string): number | undefined => {
  const a = args[name];
  return isQuantity(a) ? a.si : undefined;
};

class Compilation {
  readonly problems: Problem[] = [];
  readonly calibrations = new Map<string, CalibrationUsed>();
  readonly consumables = new Map<string, { volume: number; mass: number }>();
  readonly vesselTemperature = new Map<string, number>();

  constructor(
    readonly protocol: Protocol,
    readonly inventory: Inventory,
    readonly scope: ParameterScope,
    readonly date: Date,
  ) {}

  location(id: string, pointer: string): InventoryLocation | undefined {
    const loc = this.inventory.locations.find((l) => l.id === id);
    if (!loc) {
      this.problems.push({
        pointer,
        message: `unknown location "${id}" in inventory "${this.inventory.id}"`,
      });
    }
    return loc;
  }

  station(
    loc: InventoryLocation | undefined,
    pointer: string,
    roles: DeviceRole[],
  ): InventoryStation | undefined {
    if (!loc || roles.length === 0) return undefined;
    const station = loc.station ? this.inventory.stations.find((s) => s.id === loc.station) : undefined;
    if (!station) {
      this.problems.push({
        pointer,
        message: `location "${loc.id}" belongs to no station, so no ${roles.join(' or ')} can serve it`,
      });
    }
    return station;
  }

  /** Device of a role: the station's own first, then a shared one, then any in the lab. */
  device(
    role: DeviceRole,
    station: InventoryStation | undefined,
    pointer: string,
  ): InventoryDevice | undefined {
    const d = station
      ? deviceForRole(this.inventory, station, role)
      : (this.inventory.shared.map((id) => deviceById(this.inventory, id)).find((x) => x?.role === role) ??
        this.inventory.devices.find((x) => x.role === role));
    if (!d) {
      this.problems.push({
        pointer,
        message: station
          ? `station "${station.id}" has no ${role} (its devices: ${station.devices.join(', ')})`
          : `inventory "${this.inventory.id}" has no ${role}`,
      });
    }
    return d;
  }

  /** Resolves every quantity field of a step into SI; copies the rest. */
  args(step: Step, pointer: string): Record<string, ResolvedArg> {
    const out: Record<string, ResolvedArg> = {};
    for (const [k, v] of Object.entries(step)) {
      if (['key', 'type', 'title', 'note', 'steps'].includes(k) || v === undefined) continue;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
      else if (v !== null && typeof v === 'object') out[k] = { ...(v as Record<string, ResolvedArg>) };
    }
    for (const field of quantityFields(STEP_SCHEMAS[step.type], step, pointer)) {
      const r = resolveField(field.text, field.spec, this.scope, field.pointer);
      if ('problem' in r) {
        this.problems.push(r.problem);
        continue;
      }
      let target = out;
      field.path.slice(0, -1).forEach((p) => {
        target = target[p] as Record<string, ResolvedArg>;
      });
      target[field.path[field.path.length - 1]] = r.value;
    }
    return out;
  }

  irradiationPosition(
    ref: string,
    pointer: string,
  ): { device: InventoryDevice; position: IrradiationPosition } | undefined {
    const irradiators = this.inventory.devices.filter((d) => d.role === 'irradiator');
    const [deviceId, positionId] = ref.includes('/') ? ref.split('/', 2) : [undefined, ref];
    const matches = irradiators
      .filter((d) => deviceId === undefined || d.id === deviceId)
      .flatMap((d) =>
        (d.positions ?? []).filter((p) => p.id === positionId).map((p) => ({ device: d, position: p })),
      );
    const known = irradiators.flatMap((d) => (d.positions ?? []).map((p) => `${d.id}/${p.id}`));
    if (matches.length === 1) return matches[0];
    this.problems.push({
      pointer,
      message:
        matches.length > 1
          ? `position "${ref}" is ambiguous; use one of ${matches.map((m) => `${m.device.id}/${m.position.id}`).join(', ')}`
          : `unknown irradiation position "${ref}"; the inventory has ${known.join(', ') || 'none'}`,
    });
    return undefined;
  }

  plan(steps: readonly Step[], base: string, startS: number, parallel: boolean): PlannedStep[] {
    let t = startS;
    return steps.map((step, i) => {
      const planned = this.planStep(step, `${base}/${i}`, parallel ? startS : t);
      if (!parallel) t += planned.estimatedDurationS;
      return planned;
    });
  }

  planStep(step: Step, pointer: string, startS: number): PlannedStep {
    const args = this.args(step, pointer);
    const roles = rolesOf(step);
    const devices: InventoryDevice[] = [];
    let station: InventoryStation | undefined;
    let durationS = 0;
    let dose: ResolvedQuantity | undefined;
    let doseRate: ResolvedQuantity | undefined;
    let exposureS: number | undefined;
    let children: PlannedStep[] | undefined;
    const need = (role: DeviceRole, at = pointer) => {
      const d = this.device(role, station, at);
      if (d) devices.push(d);
      return d;
    };

    switch (step.type) {
      case 'weigh': {
        const loc = this.location(step.location, `${pointer}/location`);
        const own = loc?.device ? deviceById(this.inventory, loc.device) : undefined;
        if (own && own.role !== 'balance') {
          this.problems.push({
            pointer: `${pointer}/location`,
            message: `"${step.location}" is not a balance position`,
          });
        }
        if (own?.role === 'balance') devices.push(own);
        else need('balance');
        const period =
          args.stability && typeof args.stability === 'object'
            ? siOf(args.stability as Record<string, ResolvedArg>, 'period')
            : undefined;
        durationS = step.replicates * ((period ?? 10) + 20);
        break;
      }
      case 'transfer':
        this.location(step.from, `${pointer}/from`);
        this.location(step.to, `${pointer}/to`);
        if (step.by === 'robot') need('sample-handler');
        durationS = step.by === 'robot' ? 60 : 120;
        break;
      case 'purge':
      case 'evacuate-refill': {
        const loc = this.location(step.target, `${pointer}/target`);
        station = this.station(loc, `${pointer}/target`, roles);
        if (station) roles.forEach((r) => need(r, `${pointer}/target`));
        if (step.type === 'purge') {
          durationS = siOf(args, 'minDuration') ?? 0;
          const gas = devices.find((d) => d.role === 'gas-controller');
          const flow = siOf(args, 'flow');
          const maxSccm = gas?.limits.maxSccm;
          if (flow !== undefined && maxSccm !== undefined && flow > (maxSccm * 1e-6) / 60 + 1e-15) {
            this.problems.push({
              pointer: `${pointer}/flow`,
              message: `flow exceeds ${gas!.id}'s limit of ${maxSccm} sccm`,
            });
          }
        } else {
          durationS = step.cycles * (siOf(args, 'cycleTime') ?? 300);
        }
        break;
      }
      case 'irradiate': {
        const found = this.irradiationPosition(step.position, `${pointer}/position`);
        if (found) {
          devices.push(found.device);
          const rateKGyH = doseRateAt(found.position, this.date);
          const rateSi = (rateKGyH * 1000) / 3600;
          doseRate = q(rateSi, 'Gy/s', rateKGyH, 'kGy/h');
          const id = `${found.device.id}/${found.position.id}`;
          this.calibrations.set(id, {
            device: found.device.id,
            position: found.position.id,
            calibrationId: found.position.calibrationId,
            calibratedAt: found.position.calibratedAt,
            dosimeter: found.position.dosimeter,
            nuclide: found.position.nuclide,
            doseRateKGyPerH: found.position.doseRateKGyPerH,
            doseRateAtPlanKGyPerH: rateKGyH,
            relativeUncertainty: found.position.relativeUncertainty,
          });
          const target = args.dose;
          if (isQuantity(target)) {
            exposureS = target.si / rateSi;
            dose = target;
          } else {
            exposureS = siOf(args, 'exposure');
            if (exposureS !== undefined)
              dose = q(exposureS * rateSi, 'Gy', (exposureS * rateSi) / 1000, 'kGy');
          }
          durationS = exposureS ?? 0;
        }
        need('shutter');
        break;
      }
      case 'store': {
        const loc = this.location(step.location, `${pointer}/location`);
        const maxK = siOf(args, 'temperature');
        const locK = loc?.temperatureC === undefined ? AMBIENT_K : loc.temperatureC + 273.15;
        if (loc && maxK !== undefined && locK > maxK + 1e-9) {
          this.problems.push({
            pointer: `${pointer}/temperature`,
            message: `"${loc.id}" is at ${loc.temperatureC ?? 'ambient (20)'} °C, warmer than the required ${step.temperature}`,
          });
        }
        durationS = siOf(args, 'duration') ?? 0;
        break;
      }
      case 'dispense': {
        const loc = this.location(step.vessel, `${pointer}/vessel`);
        station = this.station(loc, `${pointer}/vessel`, roles);
        const pump = station ? need('dispenser', `${pointer}/vessel`) : undefined;
        if (pump?.reagent !== undefined && pump.reagent !== step.reagent) {
          this.problems.push({
            pointer: `${pointer}/reagent`,
            message: `dispenser "${pump.id}" of station "${station!.id}" holds "${pump.reagent}", not "${step.reagent}"`,
          });
        }
        const rate = siOf(args, 'rate');
        const maxRate = pump?.limits.maxRateMlPerMin;
        if (rate !== undefined && maxRate !== undefined && rate > (maxRate * 1e-6) / 60 + 1e-15) {
          this.problems.push({
            pointer: `${pointer}/rate`,
            message: `rate exceeds ${pump!.id}'s limit of ${maxRate} mL/min`,
          });
        }
        const volume = siOf(args, 'volume');
        const mass = siOf(args, 'mass');
        const c = this.consumables.get(step.reagent) ?? { volume: 0, mass: 0 };
        c.volume += volume ?? 0;
        c.mass += mass ?? 0;
        this.consumables.set(step.reagent, c);
        durationS = volume !== undefined ? volume / (rate ?? DEFAULT_DISPENSE_RATE_M3_PER_S) : 120;
        break;
      }
      case 'heat': {
        const loc = this.location(step.vessel, `${pointer}/vessel`);
        station = this.station(loc, `${pointer}/vessel`, roles);
        const bath = station ? need('temperature-controller', `${pointer}/vessel`) : undefined;
        const setK = siOf(args, 'setpoint');
        if (setK !== undefined && bath) this.checkBathLimits(bath, setK, `${pointer}/setpoint`);
        const fromK = this.vesselTemperature.get(step.vessel) ?? AMBIENT_K;
        if (setK !== undefined) {
          durationS = Math.abs(setK - fromK) / (siOf(args, 'ramp') ?? DEFAULT_RAMP_K_PER_S);
          this.vesselTemperature.set(step.vessel, setK);
        }
        break;
      }
      case 'hold': {
        if (step.vessel !== undefined) {
          const loc = this.location(step.vessel, `${pointer}/vessel`);
          station = this.station(loc, `${pointer}/vessel`, roles);
        } else if (roles.length) {
          this.problems.push({
            pointer: `${pointer}/vessel`,
            message: 'a hold at a temperature needs the vessel it holds',
          });
        }
        const bath = station ? need('temperature-controller', `${pointer}/vessel`) : undefined;
        const k = siOf(args, 'temperature');
        if (k !== undefined && bath) this.checkBathLimits(bath, k, `${pointer}/temperature`);
        durationS = siOf(args, 'duration') ?? 0;
        break;
      }
      case 'stir':
        this.location(step.vessel, `${pointer}/vessel`);
        durationS = siOf(args, 'duration') ?? 0;
        break;
      case 'wait':
        durationS = siOf(args, 'duration') ?? 0;
        break;
      case 'drain':
        this.location(step.vessel, `${pointer}/vessel`);
        durationS = siOf(args, 'duration') ?? 120;
        break;
      case 'wash':
        this.location(step.location, `${pointer}/location`);
        durationS = (step.cycles ?? 3) * (siOf(args, 'cycleDuration') ?? 600);
        break;
      case 'dry': {
        this.location(step.location, `${pointer}/location`);
        const ucm = args.untilConstantMass as Record<string, ResolvedArg> | undefined;
        // Until constant mass: typically three weighing intervals, never more than the declared maximum.
        durationS =
          siOf(args, 'duration') ??
          (ucm ? Math.min(siOf(ucm, 'maxDuration') ?? Infinity, 3 * (siOf(ucm, 'interval') ?? 3600)) : 0);
        break;
      }
      case 'measure':
        durationS = siOf(args, 'duration') ?? 600;
        break;
      case 'prompt':
        if (step.action?.kind === 'load-sample')
          this.location(step.action.location, `${pointer}/action/location`);
        durationS = 60;
        break;
      case 'parallel':
        children = this.plan(step.steps, `${pointer}/steps`, startS, true);
        durationS = Math.max(0, ...children.map((c) => c.estimatedDurationS));
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
      station: station?.id ?? null,
      settlement: settlementOf(step),
      args,
      startOffsetS: startS,
      estimatedDurationS: Number.isFinite(durationS) ? durationS : 0,
      ...(dose ? { dose } : {}),
      ...(doseRate ? { doseRate } : {}),
      ...(exposureS !== undefined ? { exposureS } : {}),
      ...(step.type === 'weigh' || step.type === 'measure' ? { records: step.record } : {}),
      ...(children ? { children } : {}),
    };
  }

  checkBathLimits(bath: InventoryDevice, k: number, pointer: string): void {
    const c = k - 273.15;
    const { minC, maxC } = bath.limits;
    if (maxC !== undefined && c > maxC + 1e-9) {
      this.problems.push({
        pointer,
        message: `${bath.id} reaches at most ${maxC} °C, asked for ${Number(c.toFixed(2))} °C`,
      });
    }
    if (minC !== undefined && c < minC - 1e-9) {
      this.problems.push({
        pointer,
        message: `${bath.id} reaches at least ${minC} °C, asked for ${Number(c.toFixed(2))} °C`,
      });
    }
  }
}

function flatPlanned(steps: readonly PlannedStep[]): PlannedStep[] {
  return steps.flatMap((s) => [s, ...flatPlanned(s.children ?? [])]);
}

function resolveEnvelope(c: Compilation): SafetyEnvelope {
  const { protocol, inventory, scope } = c;
  const si = (schemaPointer: string, text: string | undefined, kind: Parameters<typeof resolveField>[1]) => {
    if (text === undefined) return undefined;
    const r = resolveField(text, kind, scope, schemaPointer);
    if ('problem' in r) {
      c.problems.push(r.problem);
      return undefined;
    }
    return r.value.si;
  };
  // Resolve through the same field specs the schema declares, so limits stay in one place.
  const safetyFields = new Map(
    quantityFields(protocolSafetySchema, protocol.safety, '/safety').map((f) => [f.path.join('/'), f]),
  );
  const s = (name: string) => {
    const f = safetyFields.get(name);
    return f ? si(f.pointer, f.text, f.spec) : undefined;
  };
  const lab = inventory.safety;
  const materialFields = quantityFields(materialsSchema, protocol.materials, '/materials');
  const fp = materialFields.find((f) => f.pointer === '/materials/solvent/flashPoint');
  const flashK = fp ? si(fp.pointer, fp.text, fp.spec) : undefined;
  const marginK = Math.max(s('flashPointMargin') ?? 0, lab.flashPointMarginC);
  const o2 = tidy(Math.min(s('o2Max') ?? Infinity, lab.o2MaxPpm * 1e-6));
  const vessels: Record<string, number> = {};
  for (const l of inventory.locations)
    if (l.maxVolumeMl !== undefined) vessels[l.id] = tidy(l.maxVolumeMl * 1e-6);
  return {
    requireDoorClosed: true,
    maxDosePerSampleGy: Math.min(s('maxDosePerSample') ?? Infinity, lab.maxDosePerSampleKGy * 1000),
    maxDosePerRunGy: Math.min(s('maxDosePerRun') ?? Infinity, lab.maxDosePerRunKGy * 1000),
    approvalDoseGy: lab.approvalDoseKGy * 1000,
    o2MaxFraction: o2,
    minPurgeS: Math.max(s('minPurge') ?? 0, lab.minPurgeMin * 60),
    flashPointMarginK: marginK,
    solventFlashPointK: flashK ?? null,
    flashPointLimitK: flashK === undefined ? null : flashK - marginK,
    maxTemperatureK: s('maxTemperature') ?? null,
    inertAboveFlashPoint: protocol.safety.inertAboveFlashPoint,
    irradiate: { doorClosed: true, purgeComplete: true, o2MaxFraction: o2 },
    vesselMaxVolumeM3: vessels,
  };
}

function resolveWindows(c: Compilation, steps: readonly PlannedStep[]): TimeWindow[] {
  const byKey = new Map(flatPlanned(steps).map((s) => [s.key, s]));
  const at = (ev: string) => {
    const dot = ev.lastIndexOf('.');
    const step = ev.slice(0, dot);
    const event = ev.slice(dot + 1) as StepEvent;
    const s = byKey.get(step);
    const t = s ? s.startOffsetS + (event === 'end' ? s.estimatedDurationS : 0) : 0;
    return { ref: { step, event }, t };
  };
  return c.protocol.timeWindows.map((w, i) => {
    const pointer = `/timeWindows/${i}`;
    const fields = new Map(quantityFields(timeWindowSchema, w, pointer).map((f) => [f.path.join('/'), f]));
    const get = (name: string) => {
      const f = fields.get(name);
      if (!f) return undefined;
      const r = resolveField(f.text, f.spec, c.scope, f.pointer);
      if ('problem' in r) {
        c.problems.push(r.problem);
        return undefined;
      }
      return r.value.si;
    };
    const from = at(w.from);
    const to = at(w.to);
    const gap = to.t - from.t;
    const maxS = get('max');
    const minS = get('min');
    const exempt = get('exemptIfStoredAtOrBelow');
    if (maxS !== undefined && gap > maxS + 1e-6 && exempt === undefined) {
      c.problems.push({
        pointer: `${pointer}/max`,
        message: `cannot be met: the steps between ${w.from} and ${w.to} take ${Math.round(gap)} s, more than ${w.max}`,
      });
    }
    return {
      pointer,
      from: from.ref,
      to: to.ref,
      ...(minS !== undefined ? { minS } : {}),
      ...(maxS !== undefined ? { maxS } : {}),
      onViolation: w.onViolation,
      ...(exempt !== undefined ? { exemptIfStoredAtOrBelowK: exempt } : {}),
      plannedGapS: gap,
    };
  });
}

/** UTC calendar date of `now`: decay is corrected per day so a plan is stable within its date. */
export function planDateOf(now: Date): string {
  if (Number.isNaN(now.getTime())) throw new DocumentError([{ pointer: '', message: 'invalid plan date' }]);
  return now.toISOString().slice(0, 10);
}

/**
 * Compiles a validated protocol, parameter values and a lab inventory into an execution plan.
 * Throws DocumentError with every problem (parameters at /parameters/<name>, steps at their
 * pointers, safety violations included); a plan is returned only when there are none.
 */
export function compileProtocol(
  protocol: Protocol,
  parameterValues: Readonly<Record<string, unknown>>,
  inventory: Inventory,
  options: CompileOptions = {},
): ExecutionPlan {
  const planDate = planDateOf(options.now ?? new Date());
  const { values, problems: parameterProblems } = resolveParameterValues(protocol, parameterValues);
  if (parameterProblems.length) throw new DocumentError(parameterProblems);

  const c = new Compilation(
    protocol,
    inventory,
    parameterScope(protocol.parameters, values),
    new Date(`${planDate}T00:00:00Z`),
  );
  const steps = c.plan(protocol.steps, '/steps', 0, false);
  const totalDurationS = steps.reduce((sum, s) => sum + s.estimatedDurationS, 0);
  const safety = resolveEnvelope(c);
  const timeWindows = resolveWindows(c, steps);
  const doseGy = flatPlanned(steps).reduce((sum, s) => sum + (s.dose?.si ?? 0), 0);
  const consumables: Consumable[] = [...c.consumables.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([reagent, amt]) => ({
      reagent,
      ...(amt.volume > 0 ? { volume: q(tidy(amt.volume), 'm^3', tidy(amt.volume * 1e6), 'mL') } : {}),
      ...(amt.mass > 0 ? { mass: q(tidy(amt.mass), 'kg', tidy(amt.mass * 1000), 'g') } : {}),
    }));
  const calibrations = [...c.calibrations.values()].sort((a, b) =>
    `${a.device}/${a.position}` < `${b.device}/${b.position}` ? -1 : 1,
  );
  if (c.problems.length) throw new DocumentError(c.problems);

  const hash = sha256(canonicalJson({ protocol, parameters: values, inventory, calibrations, planDate }));
  const plan: ExecutionPlan = {
    planVersion: PLAN_VERSION,
    protocol: {
      id: protocol.id,
      version: protocol.version,
      title: protocol.title,
      method: protocol.method,
      schemaVersion: protocol.schemaVersion,
    },
    inventoryId: inventory.id,
    planDate,
    parameters: values,
    sampleCount: protocol.sampleCount,
    steps,
    totalDurationS,
    dosePerSample: q(doseGy, 'Gy', doseGy / 1000, 'kGy'),
    dosePerRun: q(doseGy * protocol.sampleCount, 'Gy', (doseGy * protocol.sampleCount) / 1000, 'kGy'),
    requiresApproval: doseGy > safety.approvalDoseGy,
    consumables,
    timeWindows,
    safety,
    calibrations,
    records: flatPlanned(steps).flatMap((s) => (s.records ? [s.records] : [])),
    outputs: protocol.outputs,
    hash,
  };
  const unsafe = checkSafety(plan, inventory);
  if (unsafe.length) throw new DocumentError(unsafe);
  return plan;
}

export { flatPlanned };
