import { combineKinetics } from './co-grafting.kinetics';
import { derivedKinetics } from './kinetics.derivation';
import type { KineticParams } from './kinetics.types';
import { findBasePolymer, findCoMonomer, findMonomer, pairKey } from './materials.lookup';
import type { BasePolymer, GraftingMedium, Monomer } from './materials.types';
import { createRng } from './random';
import { ANCHORED_SYSTEMS } from './systems';

/**
 * A (polymer, monomer) pair's departure from what its descriptors predict: multiplicative factors, 1 in the
 * shipped world. They stand for what descriptors miss (solvent quality, surface chemistry, lot effects).
 */
export interface SystemEffect {
  /** On the initial grafting rate k. */
  readonly rate: number;
  /** On the active-site lifetime τ_ref. */
  readonly siteLifetime: number;
  /** On λ, the water per exchange site. */
  readonly hydration: number;
  /** On the conductivity prefactor σ0. */
  readonly conduction: number;
  /** On the alkaline and oxidative half-lives. */
  readonly halfLife: number;
}

export const NO_EFFECT: SystemEffect = { rate: 1, siteLifetime: 1, hydration: 1, conduction: 1, halfLife: 1 };

/** A virtual lab's ground truth: kinetics and hidden system effects for every catalogue pair. */
export interface GroundTruthWorld {
  /** Undefined for the shipped world. */
  readonly seed?: number;
  /** Lognormal σ of the rate and half-life effects (half of it for the others); 0 when shipped. */
  readonly sigma: number;
  /** Parameters for a polymer and a monomer or co-monomer (ids or aliases), or undefined outside the catalogue. */
  /** `medium`: what it is grafted from, when not the monomer's usual medium. */
  kinetics(basePolymer: string, monomer: string, medium?: GraftingMedium): KineticParams | undefined;
  /** The hidden effect of a single-monomer pair (catalogue ids or aliases). */
  effect(basePolymer: string, monomer: string): SystemEffect;
}

export interface GroundTruthOptions {
  /** Lognormal σ of the per-system rate effect, default 0.25 (reference-style "modest" scatter). */
  readonly sigma?: number;
}

/** What a pair's descriptors say before any hidden effect: the fitted system where one exists. */
function baseKinetics(p: BasePolymer, m: Monomer, medium?: GraftingMedium): KineticParams {
  const usual = medium === undefined || medium === m.standardMedium;
  return (usual ? ANCHORED_SYSTEMS.get(pairKey(p.id, m.id)) : undefined) ?? derivedKinetics(p, m, medium);
}

/**
 * The ground truth of a benchmark world. Without a seed it is the shipped model: fitted systems keep their
 * parameters, every other pair gets the descriptor-derived ones. With a seed every pair's rate, site lifetime,
 * hydration, conduction and half-life are multiplied by lognormal factors drawn from the seed and the pair
 * alone (so they do not depend on which pairs are asked for, or in what order).
 */
export function groundTruth(seed?: number, options: GroundTruthOptions = {}): GroundTruthWorld {
  const sigma = seed === undefined ? 0 : (options.sigma ?? 0.25);
  const effects = new Map<string, SystemEffect>();
  const effectOf = (p: BasePolymer, m: Monomer): SystemEffect => {
    if (seed === undefined) return NO_EFFECT;
    const key = pairKey(p.id, m.id);
    let e = effects.get(key);
    if (!e) {
      const r = createRng(`ground-truth:${seed}:${key}`);
      e = {
        rate: Math.exp(r.normal(0, sigma)),
        siteLifetime: Math.exp(r.normal(0, sigma / 2)),
        hydration: Math.exp(r.normal(0, sigma / 2)),
        conduction: Math.exp(r.normal(0, sigma / 2)),
        halfLife: Math.exp(r.normal(0, sigma)),
      };
      effects.set(key, e);
    }
    return e;
  };
  const pairKinetics = (p: BasePolymer, m: Monomer, medium?: GraftingMedium): KineticParams => {
    const base = baseKinetics(p, m, medium);
    if (seed === undefined) return base;
    const e = effectOf(p, m);
    return { ...base, k: base.k * e.rate, tauRefH: base.tauRefH * e.siteLifetime };
  };
  return {
    seed,
    sigma,
    kinetics(basePolymer, monomer, medium) {
      const p = findBasePolymer(basePolymer);
      if (!p) return undefined;
      const m = findMonomer(monomer);
      if (m) return pairKinetics(p, m, medium);
      const co = findCoMonomer(monomer);
      if (!co) return undefined;
      const shares = co.components.map((c) => {
        const cm = findMonomer(c.monomer);
        if (!cm) throw new Error(`co-monomer ${co.id}: unknown monomer "${c.monomer}"`);
        return { params: pairKinetics(p, cm, medium), fraction: c.fraction };
      });
      return combineKinetics(shares);
    },
    effect(basePolymer, monomer) {
      const p = findBasePolymer(basePolymer);
      const m = findMonomer(monomer);
      if (!p || !m) throw new Error(`no catalogue system "${basePolymer}" × "${monomer}"`);
      return effectOf(p, m);
    },
  };
}

/** The shipped (seed-less) ground truth. */
export const SHIPPED_WORLD: GroundTruthWorld = groundTruth();
