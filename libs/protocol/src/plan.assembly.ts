import { canonicalJson, sha256 } from './canonical-json.hash';
import type { Compilation } from './compilation.context';
import type { ParameterValue } from './parameters.schema';
import type {
  CalibrationUsed,
  Consumable,
  ExecutionPlan,
  PlannedStep,
  SafetyEnvelope,
  TimeWindow,
} from './plan.types';
import { flatPlanned } from './planned-steps.flatten';
import { PLAN_VERSION } from './protocol.versions';
import { tidy } from './quantity.resolver';
import { quantityOf } from './resolved-arg.access';

/** The resolved parts of a plan that compiled without problems. */
export interface PlanParts {
  readonly planDate: string;
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  readonly steps: readonly PlannedStep[];
  readonly safety: SafetyEnvelope;
  readonly timeWindows: readonly TimeWindow[];
}

/** Reagent totals of all dispense steps, sorted by reagent so the plan reads the same every time. */
function consumablesOf(c: Compilation): Consumable[] {
  return [...c.consumables.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([reagent, amt]) => ({
      reagent,
      ...(amt.volume > 0
        ? { volume: quantityOf(tidy(amt.volume), 'm^3', tidy(amt.volume * 1e6), 'mL') }
        : {}),
      ...(amt.mass > 0 ? { mass: quantityOf(tidy(amt.mass), 'kg', tidy(amt.mass * 1000), 'g') } : {}),
    }));
}

/** Calibrations in a fixed order: they are hashed, and insertion order follows the steps. */
function calibrationsOf(c: Compilation): CalibrationUsed[] {
  return [...c.calibrations.values()].sort((a, b) =>
    `${a.device}/${a.position}` < `${b.device}/${b.position}` ? -1 : 1,
  );
}

/**
 * Identity of a plan: what was asked (protocol, parameter values), where (inventory) and with which
 * decay-corrected dose rates (calibrations, plan date). Everything else in the plan derives from these.
 */
function planHash(c: Compilation, parts: PlanParts, calibrations: readonly CalibrationUsed[]): string {
  const { protocol, inventory } = c;
  const { parameters, planDate } = parts;
  return sha256(canonicalJson({ protocol, parameters, inventory, calibrations, planDate }));
}

/** Puts the execution plan together: totals, dose per sample and run, consumables, hash. */
export function assemblePlan(c: Compilation, parts: PlanParts): ExecutionPlan {
  const { protocol, inventory } = c;
  const { planDate, parameters, steps, safety, timeWindows } = parts;
  const totalDurationS = steps.reduce((sum, s) => sum + s.estimatedDurationS, 0);
  const doseGy = flatPlanned(steps).reduce((sum, s) => sum + (s.dose?.si ?? 0), 0);
  const calibrations = calibrationsOf(c);
  return {
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
    parameters,
    sampleCount: protocol.sampleCount,
    steps,
    totalDurationS,
    dosePerSample: quantityOf(doseGy, 'Gy', doseGy / 1000, 'kGy'),
    dosePerRun: quantityOf(
      doseGy * protocol.sampleCount,
      'Gy',
      (doseGy * protocol.sampleCount) / 1000,
      'kGy',
    ),
    requiresApproval: doseGy > safety.approvalDoseGy,
    consumables: consumablesOf(c),
    timeWindows,
    safety,
    calibrations,
    records: flatPlanned(steps).flatMap((s) => (s.records ? [s.records] : [])),
    outputs: protocol.outputs,
    hash: planHash(c, parts, calibrations),
  };
}
