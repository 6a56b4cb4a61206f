import type { Rng } from './random';

export type Observation =
  { readonly status: 'ok'; readonly dgPct: number } | { readonly status: 'failed'; readonly reason: string };

export interface NoiseModel {
  /** Relative scatter between replicate films (reference §2.6: 0.05–0.10). */
  readonly cv: number;
  /** Absolute scatter, %DG (1–2). */
  readonly absPct: number;
  /** Probability of a random handling failure. */
  readonly handlingFailure: number;
}

export const DEFAULT_NOISE: NoiseModel = { cv: 0.05, absPct: 1, handlingFailure: 0.02 };

/** The DG a lab would report for a true DG, or a failure with its reason (§2.6 noise and failure modes). */
export function observeGrafting(
  trueDgPct: number,
  limits: { dgFailPct: number; dgMinPct: number },
  rng: Rng,
  noise: NoiseModel = DEFAULT_NOISE,
): Observation {
  if (rng.next() < noise.handlingFailure)
    return { status: 'failed', reason: 'handling failure: film damaged in transfer' };
  if (trueDgPct > limits.dgFailPct)
    return {
      status: 'failed',
      reason: `film ruptured (DG ${trueDgPct.toFixed(0)} % > ${limits.dgFailPct} %)`,
    };
  if (trueDgPct < limits.dgMinPct)
    return {
      status: 'failed',
      reason: `monomer did not graft (DG ${trueDgPct.toFixed(1)} % < ${limits.dgMinPct} %)`,
    };
  return { status: 'ok', dgPct: trueDgPct * (1 + rng.normal(0, noise.cv)) + rng.normal(0, noise.absPct) };
}
