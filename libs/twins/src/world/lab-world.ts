import type { LabClock } from '@graftlab/clock';
import type { Rng } from '@graftlab/grafting-model';
import type { AgeingExposure, Functionalization, PostGraftingReaction } from './post-grafting.chemistry';
import type { SampleTruth } from './sample-truth';

/** A film or fabric sample as a physical object in the virtual lab. */
export interface WorldSample {
  readonly id: string;
  readonly basePolymer: string;
  readonly thicknessUm: number;
  /** Dry mass of the base film, g. */
  readonly initialMassG: number;
  location: string;
  /** Dose absorbed so far, kGy, and when the last irradiation ended (lab ms). */
  doseKGy: number;
  irradiatedAt?: number;
  /** Grafted mass, solvent/liquid held by the sample, g. */
  graftedMassG: number;
  liquidMassG: number;
  /** Set when the film ruptured or was damaged; it still weighs something. */
  failedReason?: string;
  /** Monomer of the solution the film first met (what its graft is made of). */
  graftMonomer?: string;
  /** The post-grafting reactions the film went through (one entry per reaction); none: no exchange groups yet. */
  readonly functionalizations?: readonly Functionalization[];
  /** Hours in each ageing medium (soak bath), scaled by the film's durability scatter. */
  readonly ageing?: readonly AgeingExposure[];
  /** Base film plus graft, less any fragment lost in handling, g. */
  dryMassG(): number;
}

/** A post-grafting reaction as the operator carries it out in the fume hood. */
export interface FunctionalizationTreatment {
  readonly reaction: PostGraftingReaction;
  readonly reagent: string;
  readonly concentration: string;
  readonly temperatureC: number;
  readonly timeH: number;
}

/** A film as the operator loads it: nominal, before the world draws its real mass and scatter. */
export interface SampleSpec {
  id: string;
  basePolymer: string;
  thicknessUm: number;
  nominalMassG: number;
  location: string;
}

/** The measuring position of an instrument (its inventory location, e.g. titrator-1/cell). */
export interface InstrumentCell {
  readonly location: string;
  readonly samples: WorldSample[];
  /** The location's temperature, else the lab's, °C. */
  readonly temperatureC: number;
}

/** What is in a reagent reservoir or syringe: set by the (virtual) operator when filling. */
export interface ReagentCharge {
  readonly reagent: string;
  readonly monomer: string;
  readonly concentrationWtPct: number;
  readonly medium: string;
}

/**
 * The shared physical state the twins act on: sample masses and locations, dose, heat, gas, the grafting reaction.
 * Twins call these methods when their wire protocol says something physical happened; the world advances on the lab clock.
 */
export interface LabWorld {
  readonly clock: LabClock;
  readonly rng: Rng;

  // Samples and locations (robot, operator).
  sample(id: string): WorldSample | undefined;
  /** Puts a new film at a location (an operator loading it). */
  loadSample(spec: SampleSpec): WorldSample;
  moveSample(id: string, to: string): void;
  samplesAt(location: string): WorldSample[];

  // Balance: true mass on a balance's pan location, g (the twin adds noise and settling).
  massOnBalance(balanceDeviceId: string): number;

  // Characterisation instruments: what lies in an instrument's cell, and what a perfect measurement would find.
  instrumentCell(deviceId: string): InstrumentCell | undefined;
  /** Pluggable property physics (IEC, conductivity) the measuring twins read. */
  truth: SampleTruth;

  // Irradiation: the facility source and a shutter in front of the irradiation positions.
  setSourceExposed(irradiatorDeviceId: string, exposed: boolean): void;
  sourceExposed(irradiatorDeviceId: string): boolean;
  /** A shutter was open for openMs (lab) ending now: samples at the positions it serves absorb dose if the source was up. */
  recordExposure(shutterDeviceId: string, openMs: number): void;
  doorClosed(irradiatorDeviceId: string): boolean;
  setDoorClosed(irradiatorDeviceId: string, closed: boolean): void;

  // Reactor stations: dispensing, temperature, gas, oxygen.
  chargeReagent(dispenserDeviceId: string, charge: ReagentCharge): void;
  /** A film put into a sealed, purged ampoule of the solution (simultaneous grafting: it grafts while dosed). */
  immerseSample(sampleId: string, charge: ReagentCharge): void;
  recordDispense(dispenserDeviceId: string, volumeMl: number): void;
  setBathSetpoint(bathDeviceId: string, celsius: number): void;
  setBathRunning(bathDeviceId: string, running: boolean): void;
  bathTemperature(bathDeviceId: string): number;
  bathSetpoint(bathDeviceId: string): number;
  setGasFlow(mfcDeviceId: string, sccm: number): void;
  gasFlow(mfcDeviceId: string): number;
  o2Ppm(o2SensorDeviceId: string): number;
  /** Liquid drained from a station's vessel (grafting stops for samples in it). */
  drainVessel(location: string): void;

  // Post-grafting chemistry (the operator, in the fume hood).
  functionalizeSample(sampleId: string, treatment: FunctionalizationTreatment): void;
}
