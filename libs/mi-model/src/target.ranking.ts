import { createRng } from '@graftlab/grafting-model';
import { CandidateGrid, type CandidateSpace, type Setting } from './candidate.space';
import type { MiModel } from './mi.model';
import { systemKey, type MaterialQuery, type MaterialSystem } from './record.types';

/** A property a proposal must meet: at least `min`, at most `max` (either or both), after `at` hours on test. */
export interface PropertyTarget {
  readonly property: string;
  readonly min?: number;
  readonly max?: number;
  readonly at?: number;
  /** Must equal the unit of the property's training records (the model converts nothing). */
  readonly unit: string;
}

export interface RankingSpec {
  readonly targets: readonly PropertyTarget[];
  readonly candidates: CandidateSpace;
}

export interface RankingOptions {
  /** Grid levels per range (default 3) and the most grid settings scored per system (default 243, else random). */
  readonly gridSteps?: number;
  readonly maxGridPoints?: number;
  /** How many systems (best on the grid) get a local refinement (default 20), from how many starts (default 2). */
  readonly refineSystems?: number;
  readonly refineStarts?: number;
  /** Return at most this many proposals (default all systems). */
  readonly top?: number;
  readonly seed?: number | string;
}

export interface TargetPrediction {
  readonly property: string;
  readonly unit: string;
  readonly at?: number;
  readonly min?: number;
  readonly max?: number;
  readonly median: number;
  readonly mean: number;
  readonly sd: number;
  readonly lower90: number;
  readonly upper90: number;
  /** P(min ≤ property ≤ max) under the model. */
  readonly probability: number;
  /** Distance of the median inside (+) or outside (−) the bounds, in the property's training sd (model scale). */
  readonly margin: number;
}

export interface TargetScore {
  /** log P(every target met), properties independent. */
  readonly logProbability: number;
  readonly probability: number;
  /** The smallest per-target margin: how close the closest call is. */
  readonly margin: number;
  readonly predictions: readonly TargetPrediction[];
}

export interface RankedProposal extends TargetScore {
  readonly rank: number;
  readonly systemKey: string;
  readonly system: MaterialSystem;
  readonly query: MaterialQuery;
  /** Whether the conditions were refined locally beyond the coarse grid. */
  readonly refined: boolean;
}

export interface Ranking {
  readonly modelVersion: string;
  readonly proposals: readonly RankedProposal[];
  /** Candidate (system × conditions) settings scored in all. */
  readonly evaluated: number;
}

const MARGIN_CAP = 1e3;
/** The search maximizes log P + this × margin: the margin only matters where log P is flat (P ≈ 1 or ≈ 0). */
const MARGIN_WEIGHT = 1e-3;
const REFINE_STEPS = [0.25, 0.125, 0.0625, 0.03125];
/** Evaluations per refinement start, whatever the number of range dimensions. */
const REFINE_BUDGET = 150;

/**
 * The probability that a material made as the query says meets every target. Targets on different properties
 * are taken as independent (the property models are), so the joint probability is the product; two targets on
 * one property at one time on test are one interval.
 */
export function scoreTargets(
  model: MiModel,
  targets: readonly PropertyTarget[],
  query: MaterialQuery,
): TargetScore {
  let logProbability = 0;
  let margin = Number.POSITIVE_INFINITY;
  const predictions = targets.map((t) => {
    const prediction = model.predict(query, t.property, { timeOnTestH: t.at ?? 0 });
    const lp = prediction.logProbabilityWithin(t.min, t.max);
    logProbability += lp;
    const gp = model.propertyModel(t.property);
    const scale = gp.standardization.scale;
    const side = (bound: number, sign: 1 | -1) =>
      gp.transform.accepts(bound)
        ? (sign * (prediction.latentMean - gp.transform.forward(bound))) / scale
        : sign * MARGIN_CAP;
    const m = Math.min(
      t.min === undefined ? MARGIN_CAP : side(t.min, 1),
      t.max === undefined ? MARGIN_CAP : side(t.max, -1),
    );
    margin = Math.min(margin, m);
    const interval = prediction.interval(0.9);
    return {
      property: t.property,
      unit: t.unit,
      ...(t.at === undefined ? {} : { at: t.at }),
      ...(t.min === undefined ? {} : { min: t.min }),
      ...(t.max === undefined ? {} : { max: t.max }),
      median: prediction.median,
      mean: prediction.mean,
      sd: prediction.sd,
      lower90: interval.lower,
      upper90: interval.upper,
      probability: Math.exp(lp),
      margin: m,
    };
  });
  return { logProbability, probability: Math.exp(logProbability), margin, predictions };
}

export function validateTargets(model: MiModel, targets: readonly PropertyTarget[]): void {
  if (targets.length === 0) throw new Error('a ranking needs at least one target');
  for (const t of targets) {
    if (!model.has(t.property)) throw new Error(`target ${t.property}: the model has no data on it`);
    if (t.min === undefined && t.max === undefined)
      throw new Error(`target ${t.property}: give min, max or both`);
    if (t.min !== undefined && t.max !== undefined && !(t.max > t.min))
      throw new Error(`target ${t.property}: max ≤ min`);
    const unit = model.unit(t.property);
    if (t.unit !== unit)
      throw new Error(`target ${t.property} in ${t.unit}, but the model's data are in ${unit}`);
  }
}

interface Scored {
  readonly setting: Setting;
  readonly score: TargetScore;
  readonly value: number;
}

const searchValue = (s: TargetScore) =>
  s.logProbability + MARGIN_WEIGHT * Math.max(-MARGIN_CAP, Math.min(MARGIN_CAP, s.margin));

/**
 * Systems ranked by their probability of meeting every target, each at its best conditions: a coarse grid (or
 * a random sample of it) over the making conditions per system, then a compass search over the continuous
 * conditions of the most promising systems. Ties in probability (to 0.1 %) go to the larger margin.
 */
export function rankForTargets(model: MiModel, spec: RankingSpec, options: RankingOptions = {}): Ranking {
  validateTargets(model, spec.targets);
  const grid = new CandidateGrid(spec.candidates, options.gridSteps ?? 3);
  const rng = createRng(options.seed ?? 'ranking');
  let evaluated = 0;
  const score = (system: MaterialSystem, setting: Setting): Scored => {
    evaluated++;
    const s = scoreTargets(model, spec.targets, grid.query(system, setting));
    return { setting, score: s, value: searchValue(s) };
  };

  const perSystem = grid.systems.map((system) => {
    const key = systemKey(system);
    const scored = grid
      .coarse(options.maxGridPoints ?? 243, rng.fork(key))
      .map((setting) => score(system, setting))
      .sort((a, b) => b.value - a.value);
    return {
      system,
      key,
      best: scored[0],
      starts: scored.slice(0, options.refineStarts ?? 2),
      refined: false,
    };
  });

  // Refine the systems that look best on the grid; the others keep their grid optimum.
  const order = [...perSystem].sort((a, b) => b.best.value - a.best.value);
  for (const entry of order.slice(0, options.refineSystems ?? 20)) {
    for (const start of entry.starts) {
      const refined = compassSearch(grid, start, (setting) => score(entry.system, setting));
      if (refined.value > entry.best.value) entry.best = refined;
    }
    entry.refined = grid.rangeIndices.length > 0;
  }

  const bucket = (p: number) => Math.round(p * 1000);
  const ranked = perSystem
    .sort(
      (a, b) =>
        bucket(b.best.score.probability) - bucket(a.best.score.probability) ||
        b.best.score.margin - a.best.score.margin ||
        (a.key < b.key ? -1 : 1),
    )
    .slice(0, options.top ?? perSystem.length)
    .map<RankedProposal>((e, i) => ({
      rank: i + 1,
      systemKey: e.key,
      system: e.system,
      query: grid.query(e.system, e.best.setting),
      refined: e.refined,
      ...e.best.score,
    }));
  return { modelVersion: model.version, proposals: ranked, evaluated };
}

/** Coordinate (compass) search on the range dimensions, in their model-scale unit interval, halving the step. */
function compassSearch(grid: CandidateGrid, start: Scored, evaluate: (s: Setting) => Scored): Scored {
  let current = start;
  let budget = REFINE_BUDGET;
  const ranges = grid.rangeIndices;
  for (const step of REFINE_STEPS) {
    let improved = true;
    while (improved && budget > 0) {
      improved = false;
      for (const i of ranges) {
        const d = grid.dimensions[i];
        const u = grid.toUnit(d, Number(current.setting[i]));
        for (const sign of [1, -1]) {
          const next = Math.min(1, Math.max(0, u + sign * step));
          if (Math.abs(next - u) < 1e-12) continue;
          const setting = current.setting.map((v, k) => (k === i ? grid.fromUnit(d, next) : v));
          budget--;
          const trial = evaluate(setting);
          if (trial.value > current.value + 1e-12) {
            current = trial;
            improved = true;
            break;
          }
        }
      }
    }
  }
  return current;
}
