import type { FeasibilityModel } from './feasibility.model';
import { targetUtility } from './objective.score';
import type { OutputModel } from './output.model';
import { valueOf, type Encoding, type Point } from './space.encoding';
import type { NumberParameter, Objective, Target } from './space.schema';

export interface AcquisitionValue {
  /** Expected improvement × probability of feasibility: what the search maximizes. */
  readonly value: number;
  readonly expectedImprovement: number;
  readonly feasibility: number;
  /**
   * The best score any of the draws could give (each output at the most favourable end of its sampled range):
   * an upper bound that skips the Monte-Carlo loop where no draw can improve, and the tie-break where EI is 0.
   */
  readonly optimistic: number;
}

/**
 * Monte-Carlo expected improvement of the declared objective: each output's posterior is sampled (with the same
 * standard-normal draws for every point, so the surface is smooth for the local search), back-transformed,
 * scored with the objective including known costs, and improvement is taken over the incumbent score.
 */
export class MonteCarloExpectedImprovement {
  private readonly costTerms: { index: number; parameter: NumberParameter; weight: number }[];
  private readonly zRange: { lo: number; hi: number }[];

  constructor(
    private readonly models: readonly OutputModel[],
    private readonly objective: Objective,
    enc: Encoding,
    private readonly feasibility: FeasibilityModel,
    readonly incumbent: number,
    /** normals[s][t]: draw s for target t. */
    private readonly normals: readonly (readonly number[])[],
  ) {
    this.zRange = objective.targets.map((_, t) => ({
      lo: Math.min(0, ...normals.map((draw) => draw[t])),
      hi: Math.max(0, ...normals.map((draw) => draw[t])),
    }));
    this.costTerms = (objective.costs ?? []).flatMap((c) => {
      const index = enc.space.parameters.findIndex((p) => p.name === c.parameter);
      const p = enc.space.parameters[index];
      return p?.type === 'number' ? [{ index, parameter: p, weight: c.weight }] : [];
    });
  }

  private cost(x: Point): number {
    let cost = 0;
    for (const c of this.costTerms) cost += c.weight * valueOf(c.parameter, x[c.index]);
    return cost;
  }

  /** The score of the posterior means (medians after a log transform): the model's best guess. */
  meanScore(x: Point): number {
    let score = -this.cost(x);
    this.models.forEach((m, t) => {
      const target = this.objective.targets[t];
      score += (target.weight ?? 1) * targetUtility(target, m.transform.inverse(m.predict(x).mean));
    });
    return score;
  }

  evaluate(x: Point): AcquisitionValue {
    const posteriors = this.models.map((m) => m.predict(x));
    const cost = this.cost(x);
    let optimistic = -cost;
    posteriors.forEach((p, t) => {
      const target = this.objective.targets[t];
      const inverse = this.models[t].transform.inverse;
      const lo = inverse(p.mean + p.sd * this.zRange[t].lo);
      const hi = inverse(p.mean + p.sd * this.zRange[t].hi);
      optimistic += (target.weight ?? 1) * bestUtility(target, lo, hi);
    });
    const feasibility = this.feasibility.probability(x);
    if (optimistic <= this.incumbent) return { value: 0, expectedImprovement: 0, feasibility, optimistic };
    let improvement = 0;
    for (const draw of this.normals) {
      let score = -cost;
      for (let t = 0; t < posteriors.length; t++) {
        const target = this.objective.targets[t];
        const y = this.models[t].transform.inverse(posteriors[t].mean + posteriors[t].sd * draw[t]);
        score += (target.weight ?? 1) * targetUtility(target, y);
      }
      improvement += Math.max(0, score - this.incumbent);
    }
    const expectedImprovement = improvement / this.normals.length;
    return { value: expectedImprovement * feasibility, expectedImprovement, feasibility, optimistic };
  }
}

/** The largest utility of a target over outputs in [lo, hi]. */
function bestUtility(target: Target, lo: number, hi: number): number {
  switch (target.mode) {
    case 'max':
      return hi;
    case 'min':
      return -lo;
    case 'match': {
      const v = target.value ?? 0;
      return v >= lo && v <= hi ? 0 : -Math.min(Math.abs(lo - v), Math.abs(hi - v));
    }
  }
}

/** Below this probability of feasibility a point is only taken when nothing likelier is left. */
export const FEASIBILITY_THRESHOLD = 0.5;

/**
 * Orders acquisition values: a point more likely feasible than not beats one that is not (the constraint);
 * then EI × feasibility; where neither has any expected improvement, the more optimistic one.
 */
export function isBetter(a: AcquisitionValue, b: AcquisitionValue): boolean {
  const aLikely = a.feasibility >= FEASIBILITY_THRESHOLD;
  if (aLikely !== b.feasibility >= FEASIBILITY_THRESHOLD) return aLikely;
  if (a.value > 0 || b.value > 0) return a.value > b.value;
  return a.optimistic > b.optimistic;
}
