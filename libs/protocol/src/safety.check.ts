import type { Inventory } from '@graftlab/inventory';
import type { Problem } from '@graftlab/validation';
import type { ExecutionPlan, PlannedStep, ResolvedArg } from './plan.types';
import type { ResolvedQuantity } from './quantity.resolver';

const C = (k: number) => `${Number((k - 273.15).toFixed(1))} °C`;
const kGy = (gy: number) => `${Number((gy / 1000).toPrecision(4))} kGy`;
const ppm = (f: number) => `${Number((f * 1e6).toPrecision(4))} ppm`;

function quantity(args: Readonly<Record<string, ResolvedArg>>, name: string): ResolvedQuantity | undefined {
  const a = args[name];
  return a !== undefined && typeof a === 'object' && 'si' in a && typeof a.si === 'number'
    ? (a as ResolvedQuantity)
    : undefined;
}

/** Steps in time order of their start (document order breaks ties), parallel children included. */
function timeline(steps: readonly PlannedStep[]): PlannedStep[] {
  const flat: PlannedStep[] = [];
  const visit = (list: readonly PlannedStep[]) =>
    list.forEach((s) => {
      flat.push(s);
      visit(s.children ?? []);
    });
  visit(steps);
  return flat
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.startOffsetS - b.s.startOffsetS || a.i - b.i)
    .map((x) => x.s);
}

/** An inert purge (or evacuate-refill) that meets the envelope and ends before `before` starts. */
function inertingBefore(
  steps: readonly PlannedStep[],
  before: PlannedStep,
  plan: ExecutionPlan,
  target?: string,
): { ok: true } | { ok: false; why: string } {
  const env = plan.safety;
  const candidates = steps.filter(
    (s) =>
      (s.type === 'purge' || s.type === 'evacuate-refill') &&
      s.startOffsetS + s.estimatedDurationS <= before.startOffsetS + 1e-6 &&
      (target === undefined || s.args.target === target),
  );
  if (candidates.length === 0) {
    return { ok: false, why: `no purge${target ? ` of "${target}"` : ''} completes before it` };
  }
  const reasons: string[] = [];
  for (const s of candidates) {
    const o2 = quantity(s.args, 'o2Max');
    const duration = s.type === 'purge' ? quantity(s.args, 'minDuration')?.si : s.estimatedDurationS;
    if (o2 === undefined) reasons.push(`"${s.key}" declares no O₂ limit`);
    else if (o2.si > env.o2MaxFraction * (1 + 1e-9)) {
      reasons.push(`"${s.key}" allows ${ppm(o2.si)} O₂, above the limit of ${ppm(env.o2MaxFraction)}`);
    } else if ((duration ?? 0) + 1e-6 < env.minPurgeS) {
      reasons.push(
        `"${s.key}" lasts ${Math.round(duration ?? 0)} s, less than the minimum purge of ${env.minPurgeS} s`,
      );
    } else return { ok: true };
  }
  return { ok: false, why: reasons.join('; ') };
}

/**
 * Static safety check of a plan against the resolved envelope and the lab inventory: irradiation
 * only behind a closed door after a completed purge below the O₂ limit, doses within the per-sample
 * and per-run limits, heating below the solvent's flash point minus the margin, and vessel volumes
 * within the inventory's maximum. The engine enforces the same envelope at run time.
 */
export function checkSafety(plan: ExecutionPlan, inventory: Inventory): Problem[] {
  const problems: Problem[] = [];
  const env = plan.safety;
  const steps = timeline(plan.steps);
  const irradiations = steps.filter((s) => s.type === 'irradiate');

  for (const s of irradiations) {
    if (!env.requireDoorClosed || !inventory.safety.requireDoorClosed) {
      problems.push({ pointer: s.pointer, message: 'irradiation requires the door-closed interlock' });
    }
    const shutter = s.devices.some((id) => inventory.devices.find((d) => d.id === id)?.role === 'shutter');
    if (!shutter)
      problems.push({ pointer: s.pointer, message: 'irradiation needs a shutter (door interlock) device' });
    const atmosphere = s.args.atmosphere;
    if (atmosphere !== 'air') {
      const inert = inertingBefore(steps, s, plan);
      if (!inert.ok) {
        problems.push({
          pointer: `${s.pointer}/atmosphere`,
          message: `irradiation under ${String(atmosphere)} needs a completed purge with O₂ ≤ ${ppm(env.o2MaxFraction)} for at least ${env.minPurgeS} s: ${inert.why}`,
        });
      }
    }
    if (s.dose && s.dose.si > env.maxDosePerSampleGy * (1 + 1e-9)) {
      problems.push({
        pointer: `${s.pointer}/${quantity(s.args, 'dose') ? 'dose' : 'exposure'}`,
        message: `dose ${kGy(s.dose.si)} exceeds the maximum dose per sample of ${kGy(env.maxDosePerSampleGy)}`,
      });
    }
  }
  const last = irradiations[irradiations.length - 1];
  if (irradiations.length > 1 && plan.dosePerSample.si > env.maxDosePerSampleGy * (1 + 1e-9)) {
    problems.push({
      pointer: last.pointer,
      message: `total dose per sample ${kGy(plan.dosePerSample.si)} exceeds the maximum of ${kGy(env.maxDosePerSampleGy)}`,
    });
  }
  if (last && plan.dosePerRun.si > env.maxDosePerRunGy * (1 + 1e-9)) {
    problems.push({
      pointer: '/sampleCount',
      message: `dose per run ${kGy(plan.dosePerRun.si)} (${plan.sampleCount} samples) exceeds the maximum of ${kGy(env.maxDosePerRunGy)}`,
    });
  }

  // Heating: below the flash point minus margin (unless declared inert and purged), below the protocol maximum.
  for (const s of steps) {
    if (s.type !== 'heat' && s.type !== 'hold') continue;
    const field = s.type === 'heat' ? 'setpoint' : 'temperature';
    const t = quantity(s.args, field);
    if (!t) continue;
    if (env.maxTemperatureK !== null && t.si > env.maxTemperatureK + 1e-9) {
      problems.push({
        pointer: `${s.pointer}/${field}`,
        message: `${C(t.si)} is above the protocol's maximum temperature of ${C(env.maxTemperatureK)}`,
      });
    }
    if (env.flashPointLimitK !== null && t.si > env.flashPointLimitK + 1e-9) {
      const vessel = typeof s.args.vessel === 'string' ? s.args.vessel : undefined;
      const inert = env.inertAboveFlashPoint ? inertingBefore(steps, s, plan, vessel) : undefined;
      if (!inert?.ok) {
        problems.push({
          pointer: `${s.pointer}/${field}`,
          message:
            `${C(t.si)} is above the solvent's flash point ${C(env.solventFlashPointK!)} minus the ${env.flashPointMarginK} K margin (${C(env.flashPointLimitK)})` +
            (inert ? `, and the vessel is not inerted first: ${inert.why}` : ''),
        });
      }
    }
  }

  // Vessel volumes: what is dispensed accumulates until the vessel is drained.
  const filled = new Map<string, number>();
  for (const s of steps) {
    const vessel = typeof s.args.vessel === 'string' ? s.args.vessel : undefined;
    if (!vessel) continue;
    if (s.type === 'drain') filled.set(vessel, 0);
    if (s.type !== 'dispense') continue;
    const v = quantity(s.args, 'volume');
    if (!v) continue;
    const total = (filled.get(vessel) ?? 0) + v.si;
    filled.set(vessel, total);
    const max =
      env.vesselMaxVolumeM3[vessel] ??
      (inventory.locations.find((l) => l.id === vessel)?.maxVolumeMl ?? Infinity) * 1e-6;
    if (total > max * (1 + 1e-9)) {
      problems.push({
        pointer: `${s.pointer}/volume`,
        message: `vessel "${vessel}" would hold ${Number((total * 1e6).toPrecision(4))} mL, more than its maximum of ${Number((max * 1e6).toPrecision(4))} mL`,
      });
    }
  }
  return problems;
}
