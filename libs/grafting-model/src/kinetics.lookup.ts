import { SHIPPED_WORLD, type GroundTruthWorld } from './ground-truth.world';
import type { KineticParams } from './kinetics.types';
import type { GraftingMedium } from './materials.types';
import { labKinetics } from './systems';

export interface KineticsOptions {
  /** Whose ground truth: a seeded benchmark world; the shipped one when absent. */
  readonly world?: GroundTruthWorld;
  /** What the monomer is grafted from; its usual medium when absent. */
  readonly medium?: GraftingMedium;
}

/**
 * Kinetic parameters for a base polymer and a monomer (or catalogue co-monomer).
 * Without options: the systems the twins' world knows, by the names its protocols use, and undefined for any
 * other pair, which the world then leaves ungrafted. With options: every catalogue pair, from the given world
 * (the shipped one by default), whose values equal the former for the systems both know.
 */
export function kineticsFor(
  basePolymer: string,
  monomer: string,
  options?: KineticsOptions,
): KineticParams | undefined {
  if (!options) return labKinetics(basePolymer, monomer);
  return (options.world ?? SHIPPED_WORLD).kinetics(basePolymer, monomer, options.medium);
}
