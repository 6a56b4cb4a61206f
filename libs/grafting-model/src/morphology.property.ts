import { WATER_DENSITY, type GraftComposition } from './graft.composition';
import { waterUptakePct, type HydrationOptions } from './water-uptake.property';

/**
 * Where the hydrated phase inverts from isolated ionic clusters in a hydrophobic matrix (reverse-micelle-like)
 * to a continuous hydrated phase around hydrophobic domains (micelle-like) [A].
 */
export const MORPHOLOGY = { inversionFraction: 0.6, width: 0.06 } as const;

/** Volume fraction of the hydrated phase (functionalized graft plus water) in the swollen membrane at 25 °C. */
export function hydratedPhaseFraction(c: GraftComposition, options: HydrationOptions = {}): number {
  const water = waterUptakePct(c, { ...options, temperatureC: 25 }) / 100 / WATER_DENSITY;
  const hydrated = c.hydrophilicVolume + water;
  return hydrated / (hydrated + c.hydrophobicVolume);
}

/**
 * Phase-separation index: 0 reverse-micelle-like … 1 micelle-like, a logistic in the hydrated-phase fraction.
 * High DG of an ionic homopolymer graft tends to micelle-like; hydrophobic co-monomer (styrene) and low DG keep
 * the ionic domains wrapped in hydrophobic matter.
 */
export function morphologyIndex(c: GraftComposition, options: HydrationOptions = {}): number {
  const phi = hydratedPhaseFraction(c, options);
  return 1 / (1 + Math.exp(-(phi - MORPHOLOGY.inversionFraction) / MORPHOLOGY.width));
}

export const morphologyLabel = (index: number) => (index >= 0.5 ? 'micelle-like' : 'reverse-micelle-like');
