import { GROUP_BEHAVIOUR, ION_TRANSPORT } from './functionalization.catalog';
import type { GraftComposition } from './graft.composition';
import { waterUptakePct, waterVolumeFraction, type HydrationOptions } from './water-uptake.property';

const R = 8.314;

/** Percolation of the hydrated phase (reference §2.7: t ≈ 1.5–2, φ_c ≈ 0.1–0.2) [A]. */
export const PERCOLATION = { threshold: 0.15, exponent: 1.75 } as const;

export interface ConductionOptions extends HydrationOptions {
  /** Hidden system effect on σ0 (ground truth), default 1. */
  readonly conductionFactor?: number;
}

/**
 * In-plane conductivity in water, mS/cm (reference §2.7):
 * σ(T) = σ0·d·((φ_w − φ_c)₊/(1 − φ_c))^t·exp[−(E_σ/R)(1/T − 1/298 K)], with φ_w from the water uptake at T,
 * σ0 and E_σ per ion form and d the group's dissociation (weak acids and bases barely conduct).
 */
export function conductivityMsPerCm(c: GraftComposition, options: ConductionOptions = {}): number {
  if (c.ion === 'none' || c.group === 'none') return 0;
  const t = options.temperatureC ?? 25;
  const phi = waterVolumeFraction(c, waterUptakePct(c, options));
  const connected = Math.max(0, phi - PERCOLATION.threshold) / (1 - PERCOLATION.threshold);
  const ion = ION_TRANSPORT[c.ion];
  return (
    ion.sigma0MsPerCm *
    GROUP_BEHAVIOUR[c.group].dissociation *
    Math.pow(connected, PERCOLATION.exponent) *
    Math.exp((-ion.eSigmaJPerMol / R) * (1 / (t + 273.15) - 1 / 298.15)) *
    (options.conductionFactor ?? 1)
  );
}
