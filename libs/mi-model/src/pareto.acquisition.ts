import { createRng, type Rng } from '@graftlab/grafting-model';
import {
  hypervolumeImprovement,
  paretoFront,
  paretoFrontIndices,
  referencePoint,
} from './hypervolume.indicator';
import type { MiModel } from './mi.model';
import { PropertyPrediction } from './property.prediction';
import { JointSampler, type ConditionalDraws, type LatentModel } from './posterior.sampler';
import type { MaterialQuery } from './record.types';

export type Direction = 'maximize' | 'minimize';

/**
 * An outcome of a candidate: a property modelled by a GP (with the map from candidate to the GP's inputs) or a
 * known function of the candidate (the dose to minimize). Outcomes are identified by name: an objective and a
 * constraint on the same property share one joint sample.
 */
export type Outcome<C> =
  | { readonly name: string; readonly model: LatentModel; readonly features: (c: C) => readonly number[] }
  | { readonly name: string; readonly known: (c: C) => number };

export type ParetoObjective<C> = Outcome<C> & { readonly direction: Direction; readonly weight?: number };
export type OutcomeConstraint<C> = Outcome<C> & { readonly min?: number; readonly max?: number };

export interface BatchRequest<C> {
  readonly objectives: readonly ParetoObjective<C>[];
  readonly constraints?: readonly OutcomeConstraint<C>[];
  /** Measured candidates: the batch must improve on their (sampled) front. */
  readonly baseline: readonly C[];
  /** Proposed but not yet measured: sampled jointly like chosen batch members, so the batch avoids them. */
  readonly pending?: readonly C[];
  /** The pool the batch is chosen from (a grid or sample of the candidate space). */
  readonly candidates: readonly C[];
  readonly q: number;
  /** Monte-Carlo samples of the joint posterior (default 128). */
  readonly samples?: number;
  /**
   * Reference point in the objectives' own units: per objective the least acceptable value (as Ax's objective
   * thresholds), so a result worse than it adds nothing. An entry left undefined (or no reference) follows the rule
   * of `referencePoint`, stopped at a constraint's bound on the same outcome.
   */
  readonly reference?: readonly (number | undefined)[];
  /** At most this many measured points are sampled jointly (default 64): the first Pareto layers of their means. */
  readonly maxBaseline?: number;
  readonly seed?: number | string;
}

export interface BatchProposal<C> {
  readonly candidate: C;
  readonly index: number;
  /** The expected gain over the joint samples where the candidate meets every constraint: what the greedy step maximized. */
  readonly acquisition: number;
  readonly expectedGain: number;
  readonly feasibility: number;
}

export interface BatchResult<C> {
  readonly method: 'qNEHVI' | 'weighted-sum';
  readonly proposals: readonly BatchProposal<C>[];
  /** Every candidate's acquisition value in the first greedy round (for diagnostics and tests). */
  readonly firstRound: readonly number[];
  /** Reference point in the objectives' own units. */
  readonly reference: readonly number[];
}

/** A property of the MI model as an outcome (its prediction after `at` hours on test). */
export function propertyOutcome(model: MiModel, property: string, at?: number): Outcome<MaterialQuery> {
  const gp = model.propertyModel(property);
  return {
    name: at === undefined ? property : `${property}@${at}h`,
    model: gp,
    features: (q) => model.features(q, property, at ?? 0),
  };
}

/** Posterior means of the objectives (maximization convention, original units) and probability of feasibility. */
interface Summary {
  readonly objectives: number[];
  readonly feasibility: number;
}

/** The shared machinery: outcomes, joint samplers, sampled fronts, and the greedy batch loop. */
class BatchContext<C> {
  readonly sign: number[];
  private readonly outcomes: Outcome<C>[];
  private readonly samplers = new Map<string, JointSampler>();
  /** Per sample: objective vectors (maximization) and feasibility of the jointly sampled set. */
  readonly setObjectives: number[][][];
  readonly setFeasible: boolean[][];

  constructor(
    private readonly request: BatchRequest<C>,
    readonly samples: number,
    private readonly rng: Rng,
  ) {
    if (request.objectives.length === 0) throw new Error('a batch needs at least one objective');
    this.sign = request.objectives.map((o) => (o.direction === 'maximize' ? 1 : -1));
    const byName = new Map<string, Outcome<C>>();
    for (const o of [...request.objectives, ...(request.constraints ?? [])]) {
      const seen = byName.get(o.name);
      if (seen && 'model' in seen !== 'model' in o)
        throw new Error(`outcome ${o.name} is both modelled and known`);
      if (!seen) byName.set(o.name, o);
    }
    this.outcomes = [...byName.values()];
    for (const o of this.outcomes)
      if ('model' in o) this.samplers.set(o.name, new JointSampler(o.model, samples));
    this.setObjectives = Array.from({ length: samples }, () => []);
    this.setFeasible = Array.from({ length: samples }, () => []);
  }

  private normals(): Map<string, Float64Array> {
    const out = new Map<string, Float64Array>();
    for (const name of this.samplers.keys())
      out.set(
        name,
        Float64Array.from({ length: this.samples }, () => this.rng.normal()),
      );
    return out;
  }

  /** Marginal summary of a candidate: posterior-mean objectives and the analytic probability of feasibility. */
  summary(c: C): Summary {
    const objectives = this.request.objectives.map((o, k) => this.sign[k] * this.meanOf(o, c));
    let feasibility = 1;
    for (const con of this.request.constraints ?? []) {
      if ('known' in con) {
        const v = con.known(c);
        feasibility *=
          (con.min === undefined || v >= con.min) && (con.max === undefined || v <= con.max) ? 1 : 0;
      } else {
        const p = con.model.latentPoint(con.features(c));
        feasibility *= new PropertyPrediction(
          con.model.transform,
          p.mean,
          Math.sqrt(p.variance),
        ).probabilityWithin(con.min, con.max);
      }
    }
    return { objectives, feasibility };
  }

  private meanOf(o: Outcome<C>, c: C): number {
    if ('known' in o) return o.known(c);
    const p = o.model.latentPoint(o.features(c));
    return new PropertyPrediction(o.model.transform, p.mean, Math.sqrt(p.variance)).mean;
  }

  /** Draws of every outcome at a candidate, conditional on the set. */
  draw(c: C, normals: Map<string, Float64Array>): Map<string, ConditionalDraws> {
    const out = new Map<string, ConditionalDraws>();
    for (const o of this.outcomes) {
      if ('model' in o)
        out.set(o.name, this.samplers.get(o.name)!.conditional(o.features(c), normals.get(o.name)!));
    }
    return out;
  }

  /** The objective vector (maximization, original units) of sample s. */
  objectiveVector(c: C, draws: Map<string, ConditionalDraws>, s: number): number[] {
    return this.request.objectives.map((o, k) => this.sign[k] * this.value(o, c, draws, s));
  }

  private value(o: Outcome<C>, c: C, draws: Map<string, ConditionalDraws>, s: number): number {
    if ('known' in o) return o.known(c);
    return o.model.transform.inverse(draws.get(o.name)!.values[s]);
  }

  /** 1 when the candidate meets every constraint on known outcomes, else 0. */
  private knownFeasibility(c: C): number {
    for (const con of this.request.constraints ?? []) {
      if (!('known' in con)) continue;
      const v = con.known(c);
      if ((con.min !== undefined && v < con.min) || (con.max !== undefined && v > con.max)) return 0;
    }
    return 1;
  }

  private feasibleIn(c: C, draws: Map<string, ConditionalDraws>, s: number): boolean {
    return (this.request.constraints ?? []).every((con) => {
      const v = this.value(con, c, draws, s);
      return (con.min === undefined || v >= con.min) && (con.max === undefined || v <= con.max);
    });
  }

  /** Adds a candidate to the jointly sampled set (a measured point, a pending one, or a chosen batch member). */
  commit(c: C, draws: Map<string, ConditionalDraws>, normals: Map<string, Float64Array>): void {
    for (const [name, d] of draws) this.samplers.get(name)!.commit(d, normals.get(name)!);
    for (let s = 0; s < this.samples; s++) {
      this.setObjectives[s].push(this.objectiveVector(c, draws, s));
      this.setFeasible[s].push(this.feasibleIn(c, draws, s));
    }
  }

  /** Adds measured or pending points, each drawn jointly with those before it. */
  addToSet(points: readonly C[]): void {
    for (const c of points) {
      const normals = this.normals();
      this.commit(c, this.draw(c, normals), normals);
    }
  }

  /**
   * Greedy batch: each round draws fresh shared normals, scores every remaining candidate by its expected
   * gain over the samples (× feasibility), takes the best and adds it to the set, so later members are
   * scored against fronts that already contain it (sequential greedy with fantasies, as qNEHVI).
   */
  greedy(
    gain: (s: number, y: readonly number[]) => number,
    refresh: () => void,
  ): { proposals: BatchProposal<C>[]; firstRound: number[] } {
    const chosen: BatchProposal<C>[] = [];
    const firstRound: number[] = [];
    const taken = new Set<number>();
    const q = Math.min(this.request.q, this.request.candidates.length);
    for (let round = 0; round < q; round++) {
      refresh();
      const normals = this.normals();
      let best: (BatchProposal<C> & { draws: Map<string, ConditionalDraws>; tie: number }) | undefined;
      this.request.candidates.forEach((c, index) => {
        if (taken.has(index)) return;
        const { feasibility, objectives } = this.summary(c);
        let expectedGain = 0;
        const draws = this.draw(c, normals);
        // Modelled constraints count per joint sample (a draw that breaks one gains nothing, as in constrained
        // qNEHVI); known constraints (a probability the caller computes, such as a failure vote) are a gate.
        const known = this.knownFeasibility(c);
        if (feasibility > 1e-9 && known > 0) {
          for (let s = 0; s < this.samples; s++)
            if (this.feasibleIn(c, draws, s)) expectedGain += gain(s, this.objectiveVector(c, draws, s));
          expectedGain /= this.samples;
        }
        const acquisition = expectedGain;
        if (round === 0) firstRound[index] = acquisition;
        // Where nothing is expected to improve, prefer the likeliest feasible, then the best mean.
        const tie = feasibility + 1e-9 * objectives.reduce((t, v) => t + v, 0);
        if (!best || acquisition > best.acquisition || (acquisition === best.acquisition && tie > best.tie)) {
          best = { candidate: c, index, acquisition, expectedGain, feasibility, draws, tie };
        }
      });
      if (!best) break;
      taken.add(best.index);
      this.commit(best.candidate, best.draws, normals);
      const { draws: _d, tie: _t, ...proposal } = best;
      chosen.push(proposal);
    }
    return { proposals: chosen, firstRound };
  }
}

/** The measured points most likely to matter: the first Pareto layers of the posterior means of the feasible-looking ones. */
function pruneBaseline<C>(context: BatchContext<C>, baseline: readonly C[], limit: number): C[] {
  if (baseline.length <= limit) return [...baseline];
  const summaries = baseline.map((c) => context.summary(c));
  let remaining = baseline
    .map((_, i) => i)
    .sort((a, b) => summaries[b].feasibility - summaries[a].feasibility);
  const kept: number[] = [];
  while (kept.length < limit && remaining.length > 0) {
    const layer = paretoFrontIndices(remaining.map((i) => summaries[i].objectives)).map((k) => remaining[k]);
    kept.push(...layer.slice(0, limit - kept.length));
    const inLayer = new Set(layer);
    remaining = remaining.filter((i) => !inLayer.has(i));
  }
  return kept.map((i) => baseline[i]);
}

function defaultReference<C>(context: BatchContext<C>, request: BatchRequest<C>): number[] {
  const pool = request.baseline.length > 0 ? request.baseline : request.candidates;
  const summaries = pool.map((c) => context.summary(c));
  const feasible = summaries.filter((s) => s.feasibility >= 0.5).map((s) => s.objectives);
  const reference = referencePoint(
    paretoFront(feasible.length > 0 ? feasible : summaries.map((s) => s.objectives)),
  );
  // An objective that is also constrained gains nothing past its bound: the reference stops there (a film
  // swelling 85 % adds no hypervolume when 80 % is the limit).
  return reference.map((r, k) => {
    const o = request.objectives[k];
    let bound = r;
    for (const con of request.constraints ?? []) {
      if (con.name !== o.name) continue;
      const limit = context.sign[k] > 0 ? con.min : con.max;
      if (limit !== undefined) bound = Math.max(bound, context.sign[k] * limit);
    }
    return bound;
  });
}

function setUp<C>(request: BatchRequest<C>): { context: BatchContext<C>; reference: number[] } {
  const rng = createRng(request.seed ?? 'batch');
  const context = new BatchContext(request, request.samples ?? 128, rng);
  const stated = request.reference ?? [];
  if (stated.length > request.objectives.length)
    throw new Error(`reference has ${stated.length} entries for ${request.objectives.length} objectives`);
  const complete = request.objectives.every((_, k) => stated[k] !== undefined);
  const rule = complete ? [] : defaultReference(context, request);
  const reference = request.objectives.map((_, k) => {
    const r = stated[k];
    return r === undefined ? rule[k] : context.sign[k] * r;
  });
  context.addToSet(pruneBaseline(context, request.baseline, request.maxBaseline ?? 64));
  context.addToSet(request.pending ?? []);
  return { context, reference };
}

/**
 * qNEHVI-style batch (Daulton et al. 2021): the expected hypervolume improvement over the Pareto front of the
 * *sampled* in-sample values (noisy observations are not taken at face value), computed by Monte Carlo over the
 * joint posterior, times the probability that the candidate meets every outcome constraint; the batch by
 * sequential greedy, each chosen point joining the sampled set. Objectives are in their own units (a log-scale
 * model is sampled in its scale and transformed back); the hypervolume is exact (2-D sweep, slicing above).
 */
export function proposeParetoBatch<C>(request: BatchRequest<C>): BatchResult<C> {
  const { context, reference } = setUp(request);
  let fronts: number[][][] = [];
  const refresh = () => {
    fronts = context.setObjectives.map((ys, s) =>
      paretoFront(ys.filter((_, i) => context.setFeasible[s][i])),
    );
  };
  const { proposals, firstRound } = context.greedy(
    (s, y) => hypervolumeImprovement(y, fronts[s], reference),
    refresh,
  );
  return { method: 'qNEHVI', proposals, firstRound, reference: reference.map((r, k) => context.sign[k] * r) };
}

/**
 * The baseline for benchmarks: a weighted sum of the objectives, each divided by the spread of its posterior
 * means over the candidates, and its expected improvement over the best sampled in-sample value (a noisy EI, as
 * qNEI), times the probability of feasibility; the same joint samples and greedy batch as the hypervolume.
 * Weights default to equal; objectives' `weight` sets them.
 */
export function proposeWeightedSumBatch<C>(request: BatchRequest<C>): BatchResult<C> {
  const { context, reference } = setUp(request);
  const means = request.candidates.map((c) => context.summary(c).objectives);
  const spread = request.objectives.map((_, k) => {
    const v = means.map((m) => m[k]);
    const range = Math.max(...v) - Math.min(...v);
    return range > 0 ? range : 1;
  });
  const weights = request.objectives.map((o) => o.weight ?? 1 / request.objectives.length);
  const utility = (y: readonly number[]) => y.reduce((t, v, k) => t + (weights[k] * v) / spread[k], 0);
  let best: number[] = [];
  const refresh = () => {
    best = context.setObjectives.map((ys, s) => {
      const feasible = ys.filter((_, i) => context.setFeasible[s][i]).map(utility);
      return feasible.length > 0 ? Math.max(...feasible) : utility(reference);
    });
  };
  const { proposals, firstRound } = context.greedy((s, y) => Math.max(0, utility(y) - best[s]), refresh);
  return {
    method: 'weighted-sum',
    proposals,
    firstRound,
    reference: reference.map((r, k) => context.sign[k] * r),
  };
}
