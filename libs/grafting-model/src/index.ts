export * from './kinetics.types';
export { graftingOutcome, homopolymerFactor, radicalLifetimeScale } from './kinetics.model';
export { GMA_EMULSION_ON_PE, STYRENE_ON_ETFE, VBC_ON_ETFE, ANCHORED_SYSTEMS } from './systems';
export { kineticsFor, type KineticsOptions } from './kinetics.lookup';
export { observeGrafting, DEFAULT_NOISE, type NoiseModel, type Observation } from './observation';
export { ionExchangeCapacity } from './properties';
export { createRng, type Rng } from './random';

// Material catalogue, recipes and descriptors
export * from './materials.types';
export { BASE_POLYMERS } from './polymers.catalog';
export { MONOMERS, CO_MONOMERS } from './monomers.catalog';
export { findBasePolymer, findMonomer, findCoMonomer } from './materials.lookup';
export { polymerDescriptors, monomerDescriptors, type Descriptors } from './material.descriptors';
export {
  CHEMISTRY_YIELD,
  GROUP_BEHAVIOUR,
  ION_TRANSPORT,
  type ChemistryYield,
  type GroupBehaviour,
  type IonTransport,
} from './functionalization.catalog';
export { resolveRecipe, type GraftRecipe, type ResolvedRecipe, type RecipePart } from './graft.recipe';
export { graftComposition, unitSites, type GraftComposition } from './graft.composition';

// Ground truth: kinetics from descriptors, hidden system effects, co-grafting
export {
  derivedKinetics,
  rateTerms,
  monomerPartition,
  saturationDoseKGy,
  ruptureDgPct,
  templateKind,
  KINETIC_TEMPLATES,
  AQUEOUS_ON_PE,
  type KineticTemplate,
  type KineticTemplateKind,
  type RateTerms,
} from './kinetics.derivation';
export { combineKinetics, type KineticsShare } from './co-grafting.kinetics';
export {
  groundTruth,
  SHIPPED_WORLD,
  NO_EFFECT,
  type GroundTruthWorld,
  type GroundTruthOptions,
  type SystemEffect,
} from './ground-truth.world';

// Property layer
export {
  hydrationNumber,
  waterUptakePct,
  waterVolumeFraction,
  swelling,
  type Swelling,
} from './water-uptake.property';
export { conductivityMsPerCm, PERCOLATION, type ConductionOptions } from './conductivity.property';
export { morphologyIndex, hydratedPhaseFraction, morphologyLabel } from './morphology.property';
export {
  halfLifeH,
  conductivityRetained,
  ALKALINE_TEST,
  OXIDATIVE_TEST,
  type AgeingTest,
} from './durability.property';
export { elongationAtBreakPct, MIN_ELONGATION_PCT } from './mechanics.property';
export { co2CapacityMmolPerG } from './adsorption.property';
export {
  domainStructure,
  scatteringCurve,
  type DomainStructure,
  type ScatteringPoint,
  type ScatteringOptions,
} from './structure.property';

// What a recipe gives, with and without measurement noise; the systems a benchmark can sample
export {
  predictTruth,
  membraneProperties,
  recipeKinetics,
  recipeEffect,
  type RecipeConditions,
  type MembraneProperties,
  type MembraneTruth,
  type WorldChoice,
} from './truth.model';
export {
  observe,
  DEFAULT_MEASUREMENT_NOISE,
  type MeasurementNoise,
  type ObservedMembrane,
  type ObserveOptions,
} from './measurement.noise';
export {
  materialSystems,
  sampleConditions,
  STANDARD_RANGES,
  CONCENTRATION_RANGES,
  type MaterialSystem,
  type ConditionRanges,
  type Range,
} from './systems.enumeration';
