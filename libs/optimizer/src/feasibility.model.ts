import { maternKernel } from './matern.kernel';
import type { Point } from './space.encoding';

/**
 * Probability that a point is feasible, learned from failed runs: a kernel-weighted vote of nearby completed
 * (feasible) and failed runs with a prior of one pseudo-observation of "feasible". One failure alone nearby gives
 * at least ½ (a random handling failure must not wall off a region), a cluster of failures little; far from
 * every failure the probability returns to 1. The acquisition treats p < ½ as a constraint (Anubis-style
 * feasibility-constrained acquisition), so a failed region stays out even against a large expected improvement
 * just beyond it. A kernel smoother rather than a GP classifier: failures are few, a smooth local vote suffices.
 */
const PRIOR_FEASIBLE = 1;

export class FeasibilityModel {
  constructor(
    private readonly feasible: readonly Point[],
    private readonly failed: readonly Point[],
    private readonly lengthScales: readonly number[],
    private readonly cardinality: readonly number[],
  ) {}

  get hasFailures(): boolean {
    return this.failed.length > 0;
  }

  probability(x: Point): number {
    if (this.failed.length === 0) return 1;
    const k = { lengthScales: this.lengthScales, signalVariance: 1 };
    let ok = PRIOR_FEASIBLE;
    let bad = 0;
    for (const p of this.feasible) ok += maternKernel(x, p, k, this.cardinality);
    for (const p of this.failed) bad += maternKernel(x, p, k, this.cardinality);
    return ok / (ok + bad);
  }
}
