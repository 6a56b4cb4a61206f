import type { DeviceRole } from '@graftlab/inventory';
import type { ParameterValue } from './parameters.schema';
import type { Output } from './protocol.schema';
import type { ResolvedQuantity } from './quantity.resolver';
import type { SettlementPolicy } from './step.catalog';
import type { StepType } from './steps.schema';

/** A resolved step argument: quantities in SI with their display unit, other values as written. */
export type ResolvedArg =
  ResolvedQuantity | string | number | boolean | { readonly [key: string]: ResolvedArg };

export interface PlannedStep {
  readonly key: string;
  readonly type: StepType;
  readonly title?: string;
  /** JSON pointer of the step in the protocol document. */
  readonly pointer: string;
  /** The device capability the step needs first; null when a person or a passive location does it. */
  readonly role: DeviceRole | null;
  readonly roles: readonly DeviceRole[];
  /** Inventory devices that serve the roles, in the same order. */
  readonly devices: readonly string[];
  /** Role → device serving it; bound to the run's station at admission (see plan.binding.ts). */
  readonly deviceFor: Readonly<Partial<Record<DeviceRole, string>>>;
  /** Station whose devices the step uses, when it works in a station vessel. */
  readonly station: string | null;
  readonly settlement: SettlementPolicy;
  readonly args: Readonly<Record<string, ResolvedArg>>;
  /** Seconds from the start of the run. */
  readonly startOffsetS: number;
  readonly estimatedDurationS: number;
  /** Irradiation only: the dose delivered and the dose rate it was computed with. */
  readonly dose?: ResolvedQuantity;
  readonly doseRate?: ResolvedQuantity;
  readonly exposureS?: number;
  /** Name of the value a weigh or measure step records. */
  readonly records?: string;
  readonly children?: readonly PlannedStep[];
}

export type StepEvent = 'start' | 'end';

export interface TimeWindow {
  readonly pointer: string;
  readonly from: { readonly step: string; readonly event: StepEvent };
  readonly to: { readonly step: string; readonly event: StepEvent };
  readonly minS?: number;
  readonly maxS?: number;
  readonly onViolation: 'invalidate-sample' | 'abort-run' | 'ask-operator';
  readonly exemptIfStoredAtOrBelowK?: number;
  /** Planned gap between the two events on the estimated timeline. */
  readonly plannedGapS: number;
}

/** Limits the engine enforces at run time: the stricter of the protocol's and the lab's. */
export interface SafetyEnvelope {
  readonly requireDoorClosed: true;
  readonly maxDosePerSampleGy: number;
  readonly maxDosePerRunGy: number;
  /** Doses above this need a safety officer's approval before the run is queued. */
  readonly approvalDoseGy: number;
  /** O₂ limit before irradiation and grafting, as a fraction (50 ppm = 5e-5). */
  readonly o2MaxFraction: number;
  readonly minPurgeS: number;
  readonly flashPointMarginK: number;
  readonly solventFlashPointK: number | null;
  /** Highest heating temperature: flash point minus margin (null when no flash point is declared). */
  readonly flashPointLimitK: number | null;
  readonly maxTemperatureK: number | null;
  readonly inertAboveFlashPoint: boolean;
  /** Preconditions of every irradiation. */
  readonly irradiate: {
    readonly doorClosed: true;
    readonly purgeComplete: true;
    readonly o2MaxFraction: number;
  };
  /** Maximum filled volume per vessel location, m³. */
  readonly vesselMaxVolumeM3: Readonly<Record<string, number>>;
}

export interface Consumable {
  readonly reagent: string;
  readonly volume?: ResolvedQuantity;
  readonly mass?: ResolvedQuantity;
}

/** A dose-rate calibration the plan used, with the rate decay-corrected to the plan date. */
export interface CalibrationUsed {
  readonly device: string;
  readonly position: string;
  readonly calibrationId: string;
  readonly calibratedAt: string;
  readonly dosimeter: string;
  readonly nuclide: string;
  readonly doseRateKGyPerH: number;
  readonly doseRateAtPlanKGyPerH: number;
  readonly relativeUncertainty: number;
}

export interface ExecutionPlan {
  readonly planVersion: string;
  readonly protocol: {
    readonly id: string;
    readonly version: string;
    readonly title: string;
    readonly method: 'pre-irradiation' | 'simultaneous';
    readonly schemaVersion: string;
  };
  readonly inventoryId: string;
  /** UTC date the dose rates were decay-corrected to. */
  readonly planDate: string;
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  readonly sampleCount: number;
  readonly steps: readonly PlannedStep[];
  readonly totalDurationS: number;
  readonly dosePerSample: ResolvedQuantity;
  readonly dosePerRun: ResolvedQuantity;
  readonly requiresApproval: boolean;
  readonly consumables: readonly Consumable[];
  readonly timeWindows: readonly TimeWindow[];
  readonly safety: SafetyEnvelope;
  readonly calibrations: readonly CalibrationUsed[];
  /** Names recorded by weigh and measure steps. */
  readonly records: readonly string[];
  readonly outputs: readonly Output[];
  /** sha256 of canonical JSON of (protocol, parameter values, inventory, calibrations, plan date). */
  readonly hash: string;
}
