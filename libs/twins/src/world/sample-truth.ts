import {
  findBasePolymer,
  findCoMonomer,
  findMonomer,
  membraneProperties,
  recipeEffect,
  resolveRecipe,
  SHIPPED_WORLD,
  type MembraneProperties,
} from '@graftlab/grafting-model';
import type { WorldSample } from './lab-world';

/**
 * What a perfect characterisation of a sample would find: the twins (titrator, impedance analyser) and the
 * virtual operator draw their noisy readings around it. Pluggable (VirtualLabWorld option `truth`, or assign
 * `world.truth`) so a test or a benchmark can put its own physics in.
 */
export interface SampleTruth {
  /** The functionalized membrane the film is, or undefined when it carries no known graft. */
  properties?(sample: WorldSample): MembraneProperties | undefined;
  /**
   * Ion-exchange capacity per gram of the sample as it lies in the cell (dry basis), mmol/g. The virtual world
   * does not model sulfonation or amination step by step: a grafted film counts as functionalized.
   */
  iecMmolPerG(sample: WorldSample): number;
  /** Ionic conductivity of the hydrated sample at temperatureC, S/cm. */
  conductivitySPerCm(sample: WorldSample, temperatureC: number): number;
}

/** Degree of grafting the film really has (its grafted mass, film scatter included), %. */
export function degreeOfGraftingPct(sample: WorldSample): number {
  return sample.initialMassG > 0 ? (100 * sample.graftedMassG) / sample.initialMassG : 0;
}

/** A dry, ungrafted polymer still conducts a little (S/cm): the impedance cell reads a huge resistance, not infinity. */
const DRY_POLYMER_S_PER_CM = 1e-8;

/**
 * The property layer of @graftlab/grafting-model (reference §2.7) on the film's real degree of grafting, for
 * its substrate and the monomer it grafted, in the shipped ground truth (the world's kinetics come from it too).
 */
function propertiesOf(sample: WorldSample): MembraneProperties | undefined {
  const monomer = sample.graftMonomer;
  if (!monomer || !findBasePolymer(sample.basePolymer)) return undefined;
  if (!findMonomer(monomer) && !findCoMonomer(monomer)) return undefined;
  const recipe = resolveRecipe({ basePolymer: sample.basePolymer, monomers: monomer });
  return membraneProperties(
    degreeOfGraftingPct(sample),
    recipe,
    sample.doseKGy,
    recipeEffect(recipe, SHIPPED_WORLD),
  );
}

export const PROPERTY_TRUTH: SampleTruth = {
  properties: propertiesOf,
  iecMmolPerG: (sample) => propertiesOf(sample)?.iecMmolPerG ?? 0,
  conductivitySPerCm: (sample, temperatureC) =>
    (propertiesOf(sample)?.conductivityMsPerCm(temperatureC) ?? 0) / 1000 + DRY_POLYMER_S_PER_CM,
};
