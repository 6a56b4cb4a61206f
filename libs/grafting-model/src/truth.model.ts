import { co2CapacityMmolPerG } from './adsorption.property';
import { combineKinetics } from './co-grafting.kinetics';
import { conductivityMsPerCm } from './conductivity.property';
import { ALKALINE_TEST, conductivityRetained, halfLifeH, type AgeingTest } from './durability.property';
import { graftComposition } from './graft.composition';
import { resolveRecipe, type GraftRecipe, type ResolvedRecipe } from './graft.recipe';
import { groundTruth, SHIPPED_WORLD, type GroundTruthWorld, type SystemEffect } from './ground-truth.world';
import { graftingOutcome } from './kinetics.model';
import type { GraftingConditions, KineticParams } from './kinetics.types';
import type { CarriedIon, FunctionalGroup } from './materials.types';
import { elongationAtBreakPct, MIN_ELONGATION_PCT } from './mechanics.property';
import { morphologyIndex } from './morphology.property';
import { domainStructure } from './structure.property';
import { swelling, waterUptakePct, type Swelling } from './water-uptake.property';

/** How a recipe is grafted; what is left out takes the virtual lab's usual practice. */
export interface RecipeConditions {
  readonly doseKGy: number;
  readonly temperatureC: number;
  readonly timeH: number;
  readonly concentrationWtPct: number;
  /** Storage between irradiation and grafting, h (default 0) and °C (default −70, dry ice). */
  readonly storageH?: number;
  readonly storageTempC?: number;
  /** Default: the polymer's catalogue thickness. */
  readonly thicknessUm?: number;
  /** Residual O2 after degassing, 0–1 (default 0). */
  readonly o2Fraction?: number;
  readonly atmosphere?: 'inert' | 'air';
}

/** A benchmark world by seed, or the world itself; the shipped world when absent. */
export type WorldChoice = number | GroundTruthWorld | undefined;

export const worldOf = (w: WorldChoice): GroundTruthWorld =>
  w === undefined ? SHIPPED_WORLD : typeof w === 'number' ? groundTruth(w) : w;

/** Properties of the functionalized membrane at a given DG. */
export interface MembraneProperties {
  readonly dgPct: number;
  /** Exchange sites (amine sites for aminated adsorbents), mmol/g dry. */
  readonly iecMmolPerG: number;
  readonly group: FunctionalGroup;
  readonly ion: CarriedIon;
  /** In water at 25 °C, % of dry mass. */
  readonly waterUptakePct: number;
  readonly swelling: Swelling;
  /** In water at the given temperature, mS/cm. */
  conductivityMsPerCm(temperatureC: number): number;
  /** σ(t)/σ(0) after the given hours of an ageing test (default 1 M KOH, 80 °C). */
  conductivityRetained(hours: number, test?: AgeingTest): number;
  /** Conductivity after ageing, measured at measuredAtC (default: the test temperature), mS/cm. */
  conductivityAfter(hours: number, test?: AgeingTest, measuredAtC?: number): number;
  /** Conductivity half-life in 1 M KOH at 80 °C, h; absent when the membrane carries no mobile ion. */
  readonly alkalineHalfLifeH?: number;
  readonly elongationPct: number;
  /** CO2 (25 °C, 15 kPa) for aminated adsorbents, mmol/g. */
  readonly adsorptionCapacityMmolPerG?: number;
  readonly domainSpacingNm: number;
  readonly correlationLengthNm: number;
  /** 0 reverse-micelle-like … 1 micelle-like (not measured directly: SANS shows d and ξ). */
  readonly morphologyIndex: number;
}

export interface MembraneTruth extends MembraneProperties {
  readonly basePolymer: string;
  readonly monomers: string;
  readonly initialRatePctPerH: number;
  readonly tauH: number;
  /** Why the sample would fail (ruptured, brittle, did not graft, emulsion broke up); absent when it works. */
  readonly failed?: string;
}

/** Kinetics of a resolved recipe in a world: its monomers' pair kinetics combined by fraction. */
export function recipeKinetics(recipe: ResolvedRecipe, world: GroundTruthWorld): KineticParams {
  return combineKinetics(
    recipe.parts.map((p) => {
      const params = world.kinetics(recipe.polymer.id, p.monomer.id);
      if (!params) throw new Error(`no kinetics for ${recipe.polymer.id} × ${p.monomer.id}`);
      return { params, fraction: p.fraction };
    }),
  );
}

/** A recipe's hidden effects: its pairs' factors, averaged geometrically by fraction. */
export function recipeEffect(recipe: ResolvedRecipe, world: GroundTruthWorld): SystemEffect {
  const effects = recipe.parts.map((p) => ({
    e: world.effect(recipe.polymer.id, p.monomer.id),
    w: p.fraction,
  }));
  const mean = (f: (e: SystemEffect) => number) =>
    Math.exp(effects.reduce((s, x) => s + x.w * Math.log(f(x.e)), 0));
  return {
    rate: mean((e) => e.rate),
    siteLifetime: mean((e) => e.siteLifetime),
    hydration: mean((e) => e.hydration),
    conduction: mean((e) => e.conduction),
    halfLife: mean((e) => e.halfLife),
  };
}

export function graftingConditionsOf(recipe: ResolvedRecipe, c: RecipeConditions): GraftingConditions {
  return {
    doseKGy: c.doseKGy,
    storageH: c.storageH ?? 0,
    storageTempC: c.storageTempC ?? -70,
    concentrationWtPct: c.concentrationWtPct,
    temperatureC: c.temperatureC,
    timeH: c.timeH,
    thicknessUm: c.thicknessUm ?? recipe.polymer.thicknessUm,
    o2Fraction: c.o2Fraction ?? 0,
    atmosphere: c.atmosphere,
  };
}

/** The membrane a graft of this DG becomes after its chemistry (pre-irradiation dose for the mechanics). */
export function membraneProperties(
  dgPct: number,
  recipe: ResolvedRecipe,
  doseKGy: number,
  effect: SystemEffect,
): MembraneProperties {
  const c = graftComposition(dgPct, recipe);
  const hydration = { crosslinkerPct: recipe.crosslinkerPct, hydrationFactor: effect.hydration };
  const wu = waterUptakePct(c, hydration);
  const sw = swelling(c, wu);
  const morphology = morphologyIndex(c, hydration);
  const conducts = c.ion !== 'none' && c.group !== 'none';
  const sigma = (temperatureC: number) =>
    conductivityMsPerCm(c, { ...hydration, temperatureC, conductionFactor: effect.conduction });
  const halfLife = (test: AgeingTest) => halfLifeH(c.group, morphology, test, effect.halfLife);
  const retained = (hours: number, test: AgeingTest = ALKALINE_TEST) =>
    conducts ? conductivityRetained(hours, halfLife(test)) : 1;
  return {
    dgPct,
    iecMmolPerG: c.iecMmolPerG,
    group: c.group,
    ion: c.ion,
    waterUptakePct: wu,
    swelling: sw,
    conductivityMsPerCm: sigma,
    conductivityRetained: retained,
    conductivityAfter: (hours, test = ALKALINE_TEST, measuredAtC = test.temperatureC) =>
      sigma(measuredAtC) * retained(hours, test),
    alkalineHalfLifeH: conducts ? halfLife(ALKALINE_TEST) : undefined,
    elongationPct: elongationAtBreakPct(recipe.polymer, doseKGy, dgPct),
    adsorptionCapacityMmolPerG: c.group === 'amine' ? co2CapacityMmolPerG(c.iecMmolPerG) : undefined,
    ...domainStructure(c.graftVolumeFraction, sw.volumePct, morphology),
    morphologyIndex: morphology,
  };
}

/** The §2.6 failure modes a lab would see, judged on the true DG; undefined when the sample is sound. */
export function failureOf(
  recipe: ResolvedRecipe,
  params: KineticParams,
  c: RecipeConditions,
  dgPct: number,
  elongationPct: number,
): string | undefined {
  if (recipe.parts[0].monomer.standardMedium === 'water-emulsion' && c.concentrationWtPct > params.cHWtPct)
    return `emulsion broke up (${c.concentrationWtPct} wt% > ${params.cHWtPct} wt%)`;
  if (dgPct > params.dgFailPct) return `film ruptured (DG ${dgPct.toFixed(0)} % > ${params.dgFailPct} %)`;
  const minElongation = MIN_ELONGATION_PCT[recipe.polymer.form];
  if (elongationPct < minElongation)
    return `too brittle (elongation ${elongationPct.toFixed(1)} % < ${minElongation} %)`;
  if (dgPct < params.dgMinPct)
    return `monomer did not graft (DG ${dgPct.toFixed(1)} % < ${params.dgMinPct} %)`;
  return undefined;
}

/**
 * What a recipe would really give in a world (the shipped one, a seed's, or a given one), before any
 * measurement noise: the DG from the kinetics, then the membrane's properties at that DG.
 */
export function predictTruth(
  recipe: GraftRecipe,
  conditions: RecipeConditions,
  world?: WorldChoice,
): MembraneTruth {
  const w = worldOf(world);
  const r = resolveRecipe(recipe);
  const params = recipeKinetics(r, w);
  const o = graftingOutcome(graftingConditionsOf(r, conditions), params);
  const props = membraneProperties(o.dgPct, r, conditions.doseKGy, recipeEffect(r, w));
  const failed = failureOf(r, params, conditions, o.dgPct, props.elongationPct);
  return {
    ...props,
    basePolymer: r.polymer.id,
    monomers: r.label,
    initialRatePctPerH: o.initialRatePctPerH,
    tauH: o.tauH,
    ...(failed ? { failed } : {}),
  };
}
