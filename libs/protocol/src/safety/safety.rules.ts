import type { Inventory } from '@graftlab/inventory';
import type { ExecutionPlan, PlannedStep, ResolvedArg } from '../plan.types';
import type { ResolvedQuantity } from '../quantity.resolver';
import type { StepType } from '../steps.schema';
import type { LabState } from './lab-state';

/**
 * The safety envelope, each rule written once as a pure function of (plan, step, lab state). The plan check
 * evaluates them on the worst case the plan allows before each step; the engine's gate evaluates the same
 * functions on the lab as it is, just before the command. A rule that needs a live reading (a permissive, an
 * O₂ value) judges it only when the reading is there, and says that its verdict comes from that reading.
 */
export type SafetyRuleId =
  | 'irradiation-interlock'
  | 'irradiation-permissives'
  | 'irradiation-inerting'
  | 'dose-per-sample'
  | 'dose-per-run'
  | 'max-temperature'
  | 'flash-point'
  | 'vessel-volume';

export interface SafetyVerdict {
  readonly rule: SafetyRuleId;
  /** JSON pointer of the offending field in the protocol document. */
  readonly pointer: string;
  readonly message: string;
  /** True when the refusal comes from a live reading the plan could not know. */
  readonly live: boolean;
}

export interface SafetyRuleInput {
  readonly plan: ExecutionPlan;
  readonly inventory: Inventory;
  readonly step: PlannedStep;
  readonly state: LabState;
}

export interface SafetyRule {
  readonly id: SafetyRuleId;
  /** The step types it judges. */
  readonly steps: readonly StepType[];
  readonly check: (input: SafetyRuleInput) => Omit<SafetyVerdict, 'rule'>[];
}

const C = (k: number) => `${Number((k - 273.15).toFixed(1))} °C`;
const kGy = (gy: number) => `${Number((gy / 1000).toPrecision(4))} kGy`;
const ppm = (f: number) => `${Number((f * 1e6).toPrecision(4))} ppm`;
const mL = (m3: number) => `${Number((m3 * 1e6).toPrecision(4))} mL`;
/** Relative slack so a value written exactly at a limit does not fail on rounding. */
const SLACK = 1 + 1e-9;

export function quantityArg(
  args: Readonly<Record<string, ResolvedArg>>,
  name: string,
): ResolvedQuantity | undefined {
  const a = args[name];
  return a !== undefined && typeof a === 'object' && 'si' in a && typeof a.si === 'number'
    ? (a as ResolvedQuantity)
    : undefined;
}

const stringArg = (step: PlannedStep, name: string): string | undefined =>
  typeof step.args[name] === 'string' ? (step.args[name] as string) : undefined;

/** Every planned step, parallel children included, in document order. */
export function allSteps(steps: readonly PlannedStep[]): PlannedStep[] {
  return steps.flatMap((s) => [s, ...allSteps(s.children ?? [])]);
}

/**
 * A completed inert purge (or evacuate-refill) of `target` that meets the envelope: O₂ limit at most the
 * envelope's, lasting at least its minimum purge. Which steps are complete is the lab state's to say.
 */
function inerted(
  plan: ExecutionPlan,
  state: LabState,
  target: string | undefined,
): { ok: true } | { ok: false; why: string } {
  const env = plan.safety;
  const purges = allSteps(plan.steps).filter(
    (s) =>
      (s.type === 'purge' || s.type === 'evacuate-refill') &&
      (target === undefined || stringArg(s, 'target') === undefined || stringArg(s, 'target') === target),
  );
  const done = purges.filter((s) => state.completed.has(s.key));
  if (done.length === 0) {
    const where = target ? ` of "${target}"` : '';
    return {
      ok: false,
      why: purges.length
        ? `no purge${where} completes before it (${purges.map((p) => `"${p.key}"`).join(', ')} not yet)`
        : `no purge${where} completes before it`,
    };
  }
  const reasons: string[] = [];
  for (const s of done) {
    const o2 = quantityArg(s.args, 'o2Max');
    const duration = s.type === 'purge' ? quantityArg(s.args, 'minDuration')?.si : s.estimatedDurationS;
    if (o2 === undefined) reasons.push(`"${s.key}" declares no O₂ limit`);
    else if (o2.si > env.o2MaxFraction * SLACK) {
      reasons.push(`"${s.key}" allows ${ppm(o2.si)} O₂, above the limit of ${ppm(env.o2MaxFraction)}`);
    } else if ((duration ?? 0) + 1e-6 < env.minPurgeS) {
      reasons.push(
        `"${s.key}" lasts ${Math.round(duration ?? 0)} s, less than the minimum purge of ${env.minPurgeS} s`,
      );
    } else return { ok: true };
  }
  return { ok: false, why: reasons.join('; ') };
}

/** The irradiation position a step names: "device/position", or a position of the step's irradiator. */
function irradiationPosition(step: PlannedStep): string | undefined {
  const position = stringArg(step, 'position');
  if (!position) return undefined;
  if (position.includes('/')) return position;
  const irradiator = step.deviceFor.irradiator;
  return irradiator ? `${irradiator}/${position}` : position;
}

const doseField = (step: PlannedStep) => (quantityArg(step.args, 'dose') ? 'dose' : 'exposure');

export const SAFETY_RULES: readonly SafetyRule[] = [
  {
    id: 'irradiation-interlock',
    steps: ['irradiate'],
    check: ({ plan, inventory, step }) => {
      const out: Omit<SafetyVerdict, 'rule'>[] = [];
      if (!plan.safety.requireDoorClosed || !inventory.safety.requireDoorClosed)
        out.push({
          pointer: step.pointer,
          message: 'irradiation requires the door-closed interlock',
          live: false,
        });
      const shutter = step.devices.some(
        (id) => inventory.devices.find((d) => d.id === id)?.role === 'shutter',
      );
      if (!shutter)
        out.push({
          pointer: step.pointer,
          message: 'irradiation needs a shutter (door interlock) device',
          live: false,
        });
      return out;
    },
  },
  {
    id: 'irradiation-permissives',
    steps: ['irradiate'],
    check: ({ state }) => {
      const p = state.live.irradiator;
      if (!p) return [];
      const blocked = [
        !p.doorClosed && 'the cell door is open',
        !p.areaMonitorOk && 'the area monitor is not clear',
        !p.keyEnabled && 'the console key is off',
        p.interlockTripped && 'the interlock is latched',
      ].filter((b): b is string => !!b);
      return blocked.length ? [{ pointer: '', message: blocked.join(', '), live: true }] : [];
    },
  },
  {
    id: 'irradiation-inerting',
    steps: ['irradiate'],
    check: ({ plan, step, state }) => {
      const atmosphere = step.args.atmosphere;
      if (atmosphere === 'air') return [];
      const env = plan.safety;
      const inert = inerted(plan, state, irradiationPosition(step));
      return inert.ok
        ? []
        : [
            {
              pointer: `${step.pointer}/atmosphere`,
              message: `irradiation under ${String(atmosphere)} needs a completed purge with O₂ ≤ ${ppm(env.o2MaxFraction)} for at least ${env.minPurgeS} s: ${inert.why}`,
              live: false,
            },
          ];
    },
  },
  {
    id: 'dose-per-sample',
    steps: ['irradiate'],
    check: ({ plan, step, state }) => {
      const max = plan.safety.maxDosePerSampleGy;
      const dose = step.dose?.si ?? 0;
      const total = state.priorDosePerSampleGy + dose;
      if (total <= max * SLACK) return [];
      return [
        {
          pointer: `${step.pointer}/${doseField(step)}`,
          message:
            state.priorDosePerSampleGy > 0
              ? `total dose per sample ${kGy(total)} (${kGy(state.priorDosePerSampleGy)} from earlier irradiations) exceeds the maximum of ${kGy(max)}`
              : `dose ${kGy(dose)} exceeds the maximum dose per sample of ${kGy(max)}`,
          live: false,
        },
      ];
    },
  },
  {
    id: 'dose-per-run',
    steps: ['irradiate'],
    check: ({ plan, step, state }) => {
      const max = plan.safety.maxDosePerRunGy;
      const total = state.priorDosePerRunGy + (step.dose?.si ?? 0) * state.sampleCount;
      if (total <= max * SLACK) return [];
      return [
        {
          pointer: '/sampleCount',
          message: `dose per run ${kGy(total)} (${state.sampleCount} samples) exceeds the maximum of ${kGy(max)}`,
          live: false,
        },
      ];
    },
  },
  {
    id: 'max-temperature',
    // A functionalization bath and a soak bath are temperatures the protocol sets too.
    steps: ['heat', 'hold', 'functionalize', 'soak'],
    check: ({ plan, step }) => {
      const field = step.type === 'heat' ? 'setpoint' : 'temperature';
      const t = quantityArg(step.args, field);
      const max = plan.safety.maxTemperatureK;
      if (!t || max === null || t.si <= max + 1e-9) return [];
      return [
        {
          pointer: `${step.pointer}/${field}`,
          message: `${C(t.si)} is above the protocol's maximum temperature of ${C(max)}`,
          live: false,
        },
      ];
    },
  },
  {
    id: 'flash-point',
    steps: ['heat', 'hold'],
    check: ({ plan, step, state }) => {
      const env = plan.safety;
      const field = step.type === 'heat' ? 'setpoint' : 'temperature';
      const t = quantityArg(step.args, field);
      if (!t || env.flashPointLimitK === null || t.si <= env.flashPointLimitK + 1e-9) return [];
      const pointer = `${step.pointer}/${field}`;
      const above = `${C(t.si)} is above the solvent's flash point ${C(env.solventFlashPointK!)} minus the ${env.flashPointMarginK} K margin (${C(env.flashPointLimitK)})`;
      if (!env.inertAboveFlashPoint) return [{ pointer, message: above, live: false }];
      const inert = inerted(plan, state, stringArg(step, 'vessel'));
      if (!inert.ok)
        return [
          { pointer, message: `${above}, and the vessel is not inerted first: ${inert.why}`, live: false },
        ];
      // Declared inert and purged: heating above the flash point is allowed only while the vessel stays inert.
      const o2 = state.live.vesselO2Fraction;
      if (o2 !== undefined && o2 > env.o2MaxFraction * SLACK)
        return [
          {
            pointer,
            message: `${above}, and the vessel's O₂ reads ${ppm(o2)}, above the limit of ${ppm(env.o2MaxFraction)}`,
            live: true,
          },
        ];
      return [];
    },
  },
  {
    id: 'vessel-volume',
    // The functionalization reagent goes into its fume-hood flask.
    steps: ['dispense', 'functionalize'],
    check: ({ plan, inventory, step, state }) => {
      const vessel = stringArg(step, 'vessel');
      const v = quantityArg(step.args, 'volume');
      if (!vessel || !v) return [];
      const total = (state.vesselVolumeM3[vessel] ?? 0) + v.si;
      const max =
        plan.safety.vesselMaxVolumeM3[vessel] ??
        (inventory.locations.find((l) => l.id === vessel)?.maxVolumeMl ?? Infinity) * 1e-6;
      if (total <= max * SLACK) return [];
      return [
        {
          pointer: `${step.pointer}/volume`,
          message: `vessel "${vessel}" would hold ${mL(total)}, more than its maximum of ${mL(max)}`,
          live: false,
        },
      ];
    },
  },
];

/** Every rule's verdict on one step in one lab state: empty when the step may go. */
export function judgeStep(input: SafetyRuleInput): SafetyVerdict[] {
  return SAFETY_RULES.filter((r) => r.steps.includes(input.step.type)).flatMap((r) =>
    r.check(input).map((v) => ({ rule: r.id, ...v })),
  );
}
