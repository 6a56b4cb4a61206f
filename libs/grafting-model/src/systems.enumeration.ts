import { graftingOutcome } from './kinetics.model';
import type { GraftingMedium } from './materials.types';
import { findMonomer } from './materials.lookup';
import { CO_MONOMERS, MONOMERS } from './monomers.catalog';
import { BASE_POLYMERS } from './polymers.catalog';
import type { Rng } from './random';
import { resolveRecipe } from './graft.recipe';
import {
  graftingConditionsOf,
  recipeKinetics,
  worldOf,
  type RecipeConditions,
  type WorldChoice,
} from './truth.model';

export type Range = readonly [min: number, max: number];

export interface ConditionRanges {
  readonly doseKGy: Range;
  readonly temperatureC: Range;
  readonly timeH: Range;
  readonly concentrationWtPct: Range;
}

/** The virtual lab's standard window (reference §0, §2.6): dose, bath temperature and grafting time. */
export const STANDARD_RANGES: Omit<ConditionRanges, 'concentrationWtPct'> = {
  doseKGy: [5, 100],
  temperatureC: [25, 80],
  timeH: [0.5, 24],
};

/**
 * Monomer concentration per medium, wt% [A]: emulsions stay below their break-up (≈12 wt%), solvent grafting
 * runs up to bulk monomer, aqueous AA stays where Mohr's salt holds homopolymer back.
 */
export const CONCENTRATION_RANGES: Readonly<Record<GraftingMedium, Range>> = {
  'water-emulsion': [1, 10],
  toluene: [10, 100],
  'IPA/MeOH': [10, 60],
  water: [5, 40],
};

export interface MaterialSystem {
  readonly basePolymer: string;
  /** A catalogue monomer or co-monomer id. */
  readonly monomer: string;
  readonly medium: GraftingMedium;
  readonly thicknessUm: number;
  readonly ranges: ConditionRanges;
  /** The most DG any condition in the ranges gives (fresh, degassed, cold-stored film), %. */
  readonly maxDgPct: number;
  readonly dgMinPct: number;
}

const grid = ([lo, hi]: Range, n: number) =>
  Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

/**
 * Every catalogue polymer × monomer (or co-monomer) that grafts: DG exceeds the system's dgMinPct (and
 * options.minDgPct, for benchmarks that want more than a trace) somewhere in the standard ranges. DG rises with dose and time, so the search runs at their maxima over a grid of
 * temperature and concentration (temperature has an optimum; concentration one when homopolymer takes over).
 */
export function materialSystems(world?: WorldChoice, options: { minDgPct?: number } = {}): MaterialSystem[] {
  const w = worldOf(world);
  const monomerIds = [...MONOMERS.map((m) => m.id), ...CO_MONOMERS.map((c) => c.id)];
  const systems: MaterialSystem[] = [];
  for (const polymer of BASE_POLYMERS) {
    for (const monomer of monomerIds) {
      const recipe = resolveRecipe({ basePolymer: polymer.id, monomers: monomer });
      const medium = (findMonomer(monomer) ?? recipe.parts[0].monomer).standardMedium;
      const params = recipeKinetics(recipe, w);
      const ranges = { ...STANDARD_RANGES, concentrationWtPct: CONCENTRATION_RANGES[medium] };
      let maxDgPct = 0;
      for (const temperatureC of grid(ranges.temperatureC, 12))
        for (const concentrationWtPct of grid(ranges.concentrationWtPct, 10)) {
          const c = graftingConditionsOf(recipe, {
            doseKGy: ranges.doseKGy[1],
            timeH: ranges.timeH[1],
            temperatureC,
            concentrationWtPct,
          });
          maxDgPct = Math.max(maxDgPct, graftingOutcome(c, params).dgPct);
        }
      if (maxDgPct > Math.max(params.dgMinPct, options.minDgPct ?? 0))
        systems.push({
          basePolymer: polymer.id,
          monomer,
          medium,
          thicknessUm: polymer.thicknessUm,
          ranges,
          maxDgPct,
          dgMinPct: params.dgMinPct,
        });
    }
  }
  return systems;
}

/** Conditions drawn uniformly from a system's ranges (fresh film, cold storage, degassed). */
export function sampleConditions(system: MaterialSystem, rng: Rng): RecipeConditions {
  const pick = ([lo, hi]: Range) => rng.uniform(lo, hi);
  return {
    doseKGy: pick(system.ranges.doseKGy),
    temperatureC: pick(system.ranges.temperatureC),
    timeH: pick(system.ranges.timeH),
    concentrationWtPct: pick(system.ranges.concentrationWtPct),
  };
}
