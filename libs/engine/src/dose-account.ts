import type { DoseRecord, NewDoseRecord } from '@graftlab/db';
import type { IrradiationPosition } from '@graftlab/inventory';

/**
 * The one account of an irradiation step's dose, used by the step and by the reconciler after a crash, so that
 * both judge "delivered", "what is left" and "complete" the same way and write the same ledger row.
 */

/** A step's dose is complete within 1 % of its target (the dose-rate calibration itself is good to about 3 %). */
export const DOSE_TOLERANCE = 0.01;

/** Dose this run's step has delivered to a sample so far, kGy (a re-used film's earlier runs do not count). */
export function deliveredByStep(records: readonly DoseRecord[], runId: string, stepKey: string): number {
  return records
    .filter((r) => r.runId === runId && r.stepKey === stepKey)
    .reduce((a, r) => a + r.deliveredKGy, 0);
}

export function doseComplete(deliveredKGy: number, targetKGy: number): boolean {
  return deliveredKGy >= targetKGy * (1 - DOSE_TOLERANCE);
}

/** What is still to deliver, kGy; 0 once the dose is complete. */
export function remainingKGy(targetKGy: number, deliveredKGy: number): number {
  return doseComplete(deliveredKGy, targetKGy) ? 0 : targetKGy - deliveredKGy;
}

/** Dose delivered by an opening of the shutter, from the rate and the open time the controller reported. */
export function doseOf(rateKGyPerH: number, openMs: number): number {
  return (rateKGyPerH * openMs) / 3_600_000;
}

export interface Exposure {
  readonly sampleId: string;
  readonly runId: string;
  readonly stepKey: string;
  /** The exposure's command id; the ledger row's is `${commandId}/${sampleId}` (written once, whoever writes). */
  readonly commandId: string;
  /** The step's planned dose (its whole target, also for a resumed split dose). */
  readonly targetKGy: number;
  readonly deliveredKGy: number;
  readonly rateKGyPerH: number;
  /** irradiator/position */
  readonly location: string;
  readonly position: IrradiationPosition;
  readonly openMs: number;
  readonly atmosphere?: string;
  readonly startedAt?: Date;
  readonly endedAt?: Date;
}

/** The dose-ledger row of one exposure of one sample. */
export function ledgerRow(e: Exposure): NewDoseRecord {
  return {
    sampleId: e.sampleId,
    runId: e.runId,
    stepKey: e.stepKey,
    commandId: `${e.commandId}/${e.sampleId}`,
    plannedKGy: e.targetKGy,
    deliveredKGy: e.deliveredKGy,
    doseRateKGyPerH: e.rateKGyPerH,
    position: e.location,
    calibrationId: e.position.calibrationId,
    actualExposureMs: e.openMs,
    source: e.position.nuclide,
    atmosphere: e.atmosphere ?? null,
    startedAt: e.startedAt ?? null,
    endedAt: e.endedAt ?? null,
  };
}
