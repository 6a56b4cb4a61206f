import { CROSSLINKER, GROUP_BEHAVIOUR, ION_TRANSPORT } from './functionalization.catalog';
import { WATER_DENSITY, type GraftComposition } from './graft.composition';
import type { CarriedIon } from './materials.types';

/** λ rises with IEC (reference §2.7 κ) and with temperature; both rates are [A]. */
export const HYDRATION = { kappa: 0.3, perKelvin: 0.008, neutralLambda0: 10, weakFloor: 0.3 } as const;

export interface HydrationOptions {
  readonly temperatureC?: number;
  /** DVB crosslinker, wt% of monomer: lowers λ0 [S qual.]. */
  readonly crosslinkerPct?: number;
  /** Hidden system effect on λ (ground truth), default 1. */
  readonly hydrationFactor?: number;
}

const lambda0Of = (ion: CarriedIon) =>
  ion === 'none' ? HYDRATION.neutralLambda0 : ION_TRANSPORT[ion].lambda0;

/**
 * Water molecules per site, λ = λ0·(1 + κ·(IEC − 1)) (reference §2.7), λ0 per ion form; weak acids and bases
 * hydrate as far as they dissociate (floor 0.3 of a strong group) [A].
 */
export function hydrationNumber(c: GraftComposition, options: HydrationOptions = {}): number {
  const t = options.temperatureC ?? 25;
  const dissociation = GROUP_BEHAVIOUR[c.group].dissociation;
  const strength = HYDRATION.weakFloor + (1 - HYDRATION.weakFloor) * dissociation;
  return (
    lambda0Of(c.ion) *
    strength *
    Math.max(0.5, 1 + HYDRATION.kappa * (c.iecMmolPerG - 1)) *
    Math.max(0.2, 1 + HYDRATION.perKelvin * (t - 25)) *
    Math.exp(-CROSSLINKER.hydrationLossPerPct * (options.crosslinkerPct ?? 0)) *
    (options.hydrationFactor ?? 1)
  );
}

/** Water uptake, % of dry mass: WU = 1.8·λ·IEC (18 g/mol water per mmol site) plus what non-ionic graft holds. */
export function waterUptakePct(c: GraftComposition, options: HydrationOptions = {}): number {
  if (c.group === 'none') return c.nonIonicUptakePct;
  return 1.8 * hydrationNumber(c, options) * c.iecMmolPerG + c.nonIonicUptakePct;
}

/** Volume fraction of water in the swollen membrane, φ_w = WU/(WU + 100·ρ_w/ρ_dry). */
export function waterVolumeFraction(c: GraftComposition, wuPct: number): number {
  return wuPct / (wuPct + (100 * WATER_DENSITY) / c.dryDensity);
}

export interface Swelling {
  readonly volumePct: number;
  readonly areaPct: number;
  readonly thicknessPct: number;
}

/**
 * Dimensional swelling in water: the water's volume added to the dry volume, spread isotropically [A]
 * (area, thickness and volume all rise about linearly with the graft [S]).
 */
export function swelling(c: GraftComposition, wuPct: number): Swelling {
  const v = (wuPct / 100) * (c.dryDensity / WATER_DENSITY);
  return {
    volumePct: 100 * v,
    areaPct: 100 * (Math.pow(1 + v, 2 / 3) - 1),
    thicknessPct: 100 * (Math.pow(1 + v, 1 / 3) - 1),
  };
}
