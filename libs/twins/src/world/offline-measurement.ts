import type { LabWorld } from './lab-world';

/** An off-line measurement as an operator enters it: the value, its standard uncertainty, the unit. */
export interface OfflineMeasurement {
  readonly value: number;
  readonly uncertainty: number;
  readonly unit: string;
}

type Base = 'iec' | 'conductivity' | 'adsorption' | 'water';

/** Conversion of each entry unit from the truth's base unit (IEC, CO₂ uptake: mmol/g; σ: S/cm; uptake: %). */
const UNITS: Record<string, { bases: readonly Base[]; factor: number }> = {
  'mmol/g': { bases: ['iec', 'adsorption'], factor: 1 },
  'meq/g': { bases: ['iec'], factor: 1 },
  'S/cm': { bases: ['conductivity'], factor: 1 },
  'mS/cm': { bases: ['conductivity'], factor: 1000 },
  'S/m': { bases: ['conductivity'], factor: 100 },
  '%': { bases: ['water'], factor: 1 },
};

/** Property names an operator's measure prompt may carry, to what the world's truth knows. */
const PROPERTIES: Record<string, Base> = {
  'ion-exchange-capacity': 'iec',
  iec: 'iec',
  conductivity: 'conductivity',
  'ionic-conductivity': 'conductivity',
  'adsorption-capacity': 'adsorption',
  'co2-adsorption-capacity': 'adsorption',
  'water-uptake': 'water',
};

/** CO₂ uptake by gravimetry or a volumetric sorption rig: ±0.05 mmol/g; water uptake ±2 % absolute [A]. */
const ADSORPTION_SD = 0.05;
const WATER_UPTAKE_SD = 2;

/** Titration scatter (reference §2.6 property noise): ±0.05 mmol/g absolute; conductivity ±7 % relative. */
const IEC_SD = 0.05;
const CONDUCTIVITY_CV = 0.07;
/** Off-line conductivity is read on the hydrated film at room temperature unless the lab says otherwise. */
const MEASURE_AT_C = 25;

/**
 * What an operator measuring a sample off-line (titration, an impedance cell on the bench) would enter, drawn
 * around the world's truth with the property's measurement noise; undefined when the virtual lab cannot
 * measure that property (a person must).
 */
export function measureOffline(
  world: LabWorld,
  sampleId: string,
  property: string,
  unit: string,
): OfflineMeasurement | undefined {
  const sample = world.sample(sampleId);
  const kind = PROPERTIES[property.toLowerCase()];
  const conversion = UNITS[unit];
  if (!sample || !kind || !conversion?.bases.includes(kind)) return undefined;
  const rng = world.rng.fork(`measure:${sampleId}:${property}`);
  if (kind === 'adsorption' || kind === 'water') {
    const props = world.truth.properties?.(sample);
    const [truth, sd] =
      kind === 'adsorption'
        ? [props?.adsorptionCapacityMmolPerG ?? 0, ADSORPTION_SD]
        : [props?.waterUptakePct ?? 0, WATER_UPTAKE_SD];
    return { value: Math.max(0, rng.normal(truth, sd)), uncertainty: sd, unit };
  }
  if (kind === 'iec') {
    const truth = world.truth.iecMmolPerG(sample);
    return {
      value: Math.max(0, rng.normal(truth, IEC_SD)) * conversion.factor,
      uncertainty: IEC_SD * conversion.factor,
      unit,
    };
  }
  const truth = world.truth.conductivitySPerCm(sample, MEASURE_AT_C) * conversion.factor;
  const value = Math.max(0, truth * (1 + rng.normal(0, CONDUCTIVITY_CV)));
  return { value, uncertainty: CONDUCTIVITY_CV * value, unit };
}
