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
   * Ion-exchange capacity per gram of the sample as it lies in the cell (dry basis), mmol/g. A graft whose
   * monomer needs a post-grafting chemistry has exchange groups only after that chemistry (the functionalize
   * step): an unfunctionalized styrene or VBC graft titrates as nothing.
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
 * its substrate and the monomer it grafted, in the shipped ground truth (the world's kinetics come from it too),
 * as the film is now: functionalized as far as its chemistry went, and aged by its soaks.
 */
function propertiesOf(sample: WorldSample): MembraneProperties | undefined {
  const monomer = sample.graftMonomer;
  if (!monomer || !findBasePolymer(sample.basePolymer)) return undefined;
  if (!findMonomer(monomer) && !findCoMonomer(monomer)) return undefined;
  const recipe = resolveRecipe({ basePolymer: sample.basePolymer, monomers: monomer });
  const made = membraneProperties(
    degreeOfGraftingPct(sample),
    recipe,
    sample.doseKGy,
    recipeEffect(recipe, SHIPPED_WORLD),
  );
  // A monomer that carries its function (acrylic acid, VBTAC) needs no chemistry; the others need theirs.
  const completeness =
    recipe.chemistry === 'none'
      ? 1
      : ((sample.functionalizations ?? []).find((f) => f.reaction === recipe.chemistry)?.completeness ?? 0);
  // Degradation removes the groups that carry the ions: IEC and σ fall together (σ(t)/σ(0) of §2.7).
  const retained = (sample.ageing ?? []).reduce((r, a) => r * made.conductivityRetained(a.hours, a.test), 1);
  const active = completeness * retained;
  if (active === 1) return made;
  return {
    ...made,
    iecMmolPerG: made.iecMmolPerG * active,
    // Without exchange groups the graft is hydrophobic: it takes up little water and conducts nothing.
    waterUptakePct: made.waterUptakePct * completeness,
    conductivityMsPerCm: (t) => made.conductivityMsPerCm(t) * active,
    conductivityAfter: (hours, test, at) => made.conductivityAfter(hours, test, at) * active,
    adsorptionCapacityMmolPerG:
      made.adsorptionCapacityMmolPerG === undefined ? undefined : made.adsorptionCapacityMmolPerG * active,
  };
}

export const PROPERTY_TRUTH: SampleTruth = {
  properties: propertiesOf,
  iecMmolPerG: (sample) => propertiesOf(sample)?.iecMmolPerG ?? 0,
  conductivitySPerCm: (sample, temperatureC) =>
    (propertiesOf(sample)?.conductivityMsPerCm(temperatureC) ?? 0) / 1000 + DRY_POLYMER_S_PER_CM,
};
