import { ionExchangeCapacity } from '@graftlab/grafting-model';
import type { WorldSample } from './lab-world';

/**
 * What a perfect characterisation of a sample would find: the twins draw their noisy readings around it.
 * Pluggable (VirtualLabWorld option `truth`, or assign `world.truth`), because the property physics is being
 * built in @graftlab/grafting-model and will replace PLACEHOLDER_TRUTH.
 */
export interface SampleTruth {
  /**
   * Ion-exchange capacity per gram of the sample as it lies in the cell (dry basis), mmol/g. The virtual world
   * does not model sulfonation or amination: a grafted film counts as already functionalised.
   */
  iecMmolPerG(sample: WorldSample): number;
  /** Ionic conductivity of the hydrated sample at temperatureC, S/cm. */
  conductivitySPerCm(sample: WorldSample, temperatureC: number): number;
}

/** Monomer unit before and after functionalisation, g/mol (reference §1.7 checks). */
const FUNCTIONAL_UNITS: readonly { names: readonly string[]; monomer: number; functionalized: number }[] = [
  // Styrene, sulfonated to styrenesulfonic acid (cation exchanger).
  { names: ['styrene', 'st'], monomer: 104.15, functionalized: 184.2 },
  // 4-Vinylbenzyl chloride, quaternised with trimethylamine to VB-TMA⁺Cl⁻ (anion exchanger).
  { names: ['vbc', '4-vinylbenzyl chloride', 'cms'], monomer: 152.6, functionalized: 211.7 },
];

/** Degree of grafting the film really has (its grafted mass, film scatter included), %. */
export function degreeOfGraftingPct(sample: WorldSample): number {
  return sample.initialMassG > 0 ? (100 * sample.graftedMassG) / sample.initialMassG : 0;
}

function placeholderIec(sample: WorldSample): number {
  const unit = FUNCTIONAL_UNITS.find((u) => u.names.includes((sample.graftMonomer ?? '').toLowerCase()));
  // No graft, or a graft with no ion-exchange group (e.g. GMA before ring opening): nothing to titrate.
  if (!unit) return 0;
  return ionExchangeCapacity(degreeOfGraftingPct(sample), unit.monomer, unit.functionalized);
}

/**
 * PLACEHOLDER conductivity, to be replaced by the property model: a percolation-like rise above an IEC of
 * 0.3 mmol/g with an Arrhenius temperature term (15 kJ/mol), scaled so that ETFE-g-VBC-TMA at DG 100 %
 * (IEC 2.74) gives about 47 mS/cm and St-SO3H at DG 30 % (IEC 1.88) about 25 mS/cm at 25 °C (reference
 * §1.7), plus a dry-polymer floor of 1e-8 S/cm.
 */
function placeholderConductivity(sample: WorldSample, temperatureC: number): number {
  const excess = Math.max(0, placeholderIec(sample) - 0.3);
  const arrhenius = Math.exp((-15e3 / 8.314) * (1 / (temperatureC + 273.15) - 1 / 298.15));
  return 0.035 * Math.pow(excess / 2, 1.5) * arrhenius + 1e-8;
}

export const PLACEHOLDER_TRUTH: SampleTruth = {
  iecMmolPerG: placeholderIec,
  conductivitySPerCm: placeholderConductivity,
};
