export * from './kinetics.types';
export { graftingOutcome, homopolymerFactor, radicalLifetimeScale } from './kinetics.model';
export { kineticsFor, GMA_EMULSION_ON_PE, STYRENE_ON_ETFE, VBC_ON_ETFE } from './systems';
export { observeGrafting, DEFAULT_NOISE, type NoiseModel, type Observation } from './observation';
export { ionExchangeCapacity } from './properties';
export { createRng, type Rng } from './random';
