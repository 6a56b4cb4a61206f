import { ALKALINE_TEST } from './durability.property';
import { resolveRecipe, type GraftRecipe } from './graft.recipe';
import { graftingOutcome } from './kinetics.model';
import { DEFAULT_NOISE, type NoiseModel } from './observation';
import type { Rng } from './random';
import {
  failureOf,
  graftingConditionsOf,
  membraneProperties,
  recipeEffect,
  recipeKinetics,
  worldOf,
  type MembraneProperties,
  type RecipeConditions,
  type WorldChoice,
} from './truth.model';

/**
 * Measurement scatter of the property layer (reference §2.6): IEC titration ±0.05 mmol/g absolute, water uptake
 * ±5 % relative, conductivity ±5–10 % (7 %), alkaline half-life ±20 %. Swelling, elongation, adsorption and
 * SANS figures are [A]. Relative scatter is lognormal with that σ (values stay positive; relative sd ≈ σ).
 */
export interface MeasurementNoise {
  /** DG: scatter between replicate films and handling failures (the grafting noise model). */
  readonly grafting: NoiseModel;
  readonly iecAbsMmolPerG: number;
  readonly waterUptakeRel: number;
  readonly swellingRel: number;
  readonly conductivityRel: number;
  readonly halfLifeRel: number;
  readonly elongationRel: number;
  readonly adsorptionRel: number;
  readonly structureRel: number;
}

export const DEFAULT_MEASUREMENT_NOISE: MeasurementNoise = {
  grafting: DEFAULT_NOISE,
  iecAbsMmolPerG: 0.05,
  waterUptakeRel: 0.05,
  swellingRel: 0.05,
  conductivityRel: 0.07,
  halfLifeRel: 0.2,
  elongationRel: 0.1,
  adsorptionRel: 0.05,
  structureRel: 0.05,
};

/** What the lab reports for a film: its measured properties (the morphology index is not measured). */
export type ObservedMembrane =
  | ({ readonly status: 'ok' } & Omit<MembraneProperties, 'morphologyIndex'>)
  | { readonly status: 'failed'; readonly reason: string };

export interface ObserveOptions {
  readonly world?: WorldChoice;
  readonly noise?: MeasurementNoise;
}

/**
 * A film made and measured: the failure modes of the truth plus random handling failures; the film's own DG
 * scatters between replicates (so its IEC, uptake and conductivity follow it), then each measurement adds its
 * scatter. Every draw is made in a fixed order whatever the outcome, so a seeded generator replays exactly.
 */
export function observe(
  recipe: GraftRecipe,
  conditions: RecipeConditions,
  rng: Rng,
  options: ObserveOptions = {},
): ObservedMembrane {
  const noise = options.noise ?? DEFAULT_MEASUREMENT_NOISE;
  const world = worldOf(options.world);
  const r = resolveRecipe(recipe);
  const params = recipeKinetics(r, world);
  const effect = recipeEffect(r, world);
  const trueDg = graftingOutcome(graftingConditionsOf(r, conditions), params).dgPct;
  const handling = rng.next();
  const dgCv = rng.normal(0, noise.grafting.cv);
  const dgAbs = rng.normal(0, noise.grafting.absPct);
  const z = Array.from({ length: 9 }, () => rng.normal());
  const rel = (sd: number, i: number) => Math.exp(sd * z[i]);

  const truth = membraneProperties(trueDg, r, conditions.doseKGy, effect);
  const failed = failureOf(r, params, conditions, trueDg, truth.elongationPct);
  if (handling < noise.grafting.handlingFailure)
    return { status: 'failed', reason: 'handling failure: film damaged in transfer' };
  if (failed) return { status: 'failed', reason: failed };

  const film = membraneProperties(Math.max(0, trueDg * (1 + dgCv) + dgAbs), r, conditions.doseKGy, effect);
  const sigmaFactor = rel(noise.conductivityRel, 3);
  const halfLifeFactor = rel(noise.halfLifeRel, 4);
  const halfLife = film.alkalineHalfLifeH;
  // A half-life scattered by f scales ln(retained) by 1/f.
  const retained: MembraneProperties['conductivityRetained'] = (hours, test = ALKALINE_TEST) =>
    Math.pow(film.conductivityRetained(hours, test), 1 / halfLifeFactor);
  const sigma = (temperatureC: number) => film.conductivityMsPerCm(temperatureC) * sigmaFactor;
  const s = film.swelling;
  return {
    status: 'ok',
    dgPct: film.dgPct,
    iecMmolPerG: Math.max(0, film.iecMmolPerG + noise.iecAbsMmolPerG * z[0]),
    group: film.group,
    ion: film.ion,
    waterUptakePct: film.waterUptakePct * rel(noise.waterUptakeRel, 1),
    swelling: {
      volumePct: s.volumePct * rel(noise.swellingRel, 2),
      areaPct: s.areaPct * rel(noise.swellingRel, 2),
      thicknessPct: s.thicknessPct * rel(noise.swellingRel, 2),
    },
    conductivityMsPerCm: sigma,
    conductivityRetained: retained,
    conductivityAfter: (hours, test = ALKALINE_TEST, measuredAtC = test.temperatureC) =>
      sigma(measuredAtC) * retained(hours, test),
    alkalineHalfLifeH: halfLife === undefined ? undefined : halfLife * halfLifeFactor,
    elongationPct: film.elongationPct * rel(noise.elongationRel, 5),
    adsorptionCapacityMmolPerG:
      film.adsorptionCapacityMmolPerG === undefined
        ? undefined
        : film.adsorptionCapacityMmolPerG * rel(noise.adsorptionRel, 6),
    domainSpacingNm: film.domainSpacingNm * rel(noise.structureRel, 7),
    correlationLengthNm: film.correlationLengthNm * rel(noise.structureRel, 8),
  };
}
