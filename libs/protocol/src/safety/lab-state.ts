/**
 * What the lab is like just before a step, as the safety rules see it. At plan time it is the worst case the
 * plan allows (derived from the timeline); at run time the engine derives it from the journal, the dose ledger
 * and the readings it takes just before the command. The rules are the same functions in both cases.
 */
export interface LabState {
  /** Keys of the plan steps whose effect is complete (a parallel block's children by their own keys). */
  readonly completed: ReadonlySet<string>;
  /** Dose a sample already holds from the run's other irradiation steps, Gy (the most any sample holds). */
  readonly priorDosePerSampleGy: number;
  /** Dose the run already delivered with its other irradiation steps, summed over its samples, Gy. */
  readonly priorDosePerRunGy: number;
  /** Samples the step acts on (the run's dose scales with them). */
  readonly sampleCount: number;
  /** What each vessel holds now (dispensed since its last drain), m³, by the vessel named in the plan. */
  readonly vesselVolumeM3: Readonly<Record<string, number>>;
  /** Readings taken just before the command; a reading not taken is not judged. */
  readonly live: LiveReadings;
}

/** Permissives of the irradiation facility, as its controller reports them. */
export interface IrradiatorPermissives {
  readonly doorClosed: boolean;
  readonly areaMonitorOk: boolean;
  readonly keyEnabled: boolean;
  readonly interlockTripped: boolean;
}

/** Readings only the lab can give, at the moment of the command; the plan cannot know them. */
export interface LiveReadings {
  readonly irradiator?: IrradiatorPermissives;
  /** O₂ in the step's vessel, as a fraction (50 ppm = 5e-5). */
  readonly vesselO2Fraction?: number;
}

/** The lab as the plan expects it: permissives made, the inerted vessel free of O₂. */
export const NOMINAL_LIVE: LiveReadings = {
  irradiator: { doorClosed: true, areaMonitorOk: true, keyEnabled: true, interlockTripped: false },
  vesselO2Fraction: 0,
};
