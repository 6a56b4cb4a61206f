import type { Rng } from '@graftlab/grafting-model';
import { applyFixed, latinHypercube, nearestDistance, type FixedCoordinates } from './design.sampling';
import {
  MonteCarloExpectedImprovement,
  isBetter,
  type AcquisitionValue,
} from './expected-improvement.acquisition';
import { FeasibilityModel } from './feasibility.model';
import { modelFeatures } from './model.features';
import type { GpFitOptions } from './gaussian-process.model';
import { versionHash } from './model-version.hash';
import { OutputModel } from './output.model';
import { groupFixed, type Proposal, type ProposalContext } from './proposal.types';
import { categoricalCombinations, type Encoding, type Point } from './space.encoding';
import type { Objective } from './space.schema';
import { MIN_DISTANCE } from './suggestion.constants';

export interface BayesianOptions {
  /** Latin-hypercube candidates per categorical combination (capped by maxCandidates in total). */
  readonly candidatesPerCombination?: number;
  readonly maxCandidates?: number;
  /** How many of the best candidates get a local search. */
  readonly refineTop?: number;
  /** Monte-Carlo draws per point for the expected improvement. */
  readonly mcSamples?: number;
  /** Below this many completed observations the batch is space-filling (default max(4, d + 1)). */
  readonly initialDesignSize?: number;
  readonly fit?: GpFitOptions;
}

type Scored = { readonly point: Point; readonly acquisition: AcquisitionValue };

const REFINE_STEPS = [0.08, 0.04, 0.02, 0.01];
const REFINE_TRIES = 6;

function candidatePool(
  enc: Encoding,
  rng: Rng,
  fixed: FixedCoordinates,
  incumbents: readonly Point[],
  options: BayesianOptions,
): Point[] {
  const combos = categoricalCombinations(enc).filter((combo) =>
    enc.categoricalIndices.every((i, k) => !fixed.has(i) || fixed.get(i) === combo[k]),
  );
  const perCombo = Math.max(
    64,
    Math.min(
      options.candidatesPerCombination ?? 2000,
      Math.floor((options.maxCandidates ?? 20000) / combos.length),
    ),
  );
  const pool: Point[] = [];
  for (const combo of combos) {
    for (const point of latinHypercube(enc, perCombo, rng, fixed)) {
      enc.categoricalIndices.forEach((i, k) => (point[i] = combo[k]));
      pool.push(point);
    }
  }
  // Exploitation: a cloud around the best observed points, where a "match" optimum usually sits.
  for (const incumbent of incumbents) {
    for (let k = 0; k < 64; k++) {
      const point = incumbent.map((v, i) =>
        enc.cardinality[i] === 0 ? Math.min(1, Math.max(0, v + rng.normal(0, 0.05))) : v,
      );
      pool.push(applyFixed(point, fixed));
    }
  }
  return pool;
}

/** A few rounds of Gaussian steps on the numeric, non-grouped coordinates, keeping what improves. */
function refine(
  start: Scored,
  acquisition: MonteCarloExpectedImprovement,
  enc: Encoding,
  rng: Rng,
  fixed: FixedCoordinates,
  blocked: readonly Point[],
): Scored {
  let current = start;
  const free = enc.numericIndices.filter((i) => !fixed.has(i));
  if (free.length === 0) return current;
  for (const step of REFINE_STEPS) {
    for (let k = 0; k < REFINE_TRIES; k++) {
      const point = [...current.point];
      for (const i of free) point[i] = Math.min(1, Math.max(0, point[i] + rng.normal(0, step)));
      if (nearestDistance(enc, point, blocked) <= MIN_DISTANCE) continue;
      const value = acquisition.evaluate(point);
      if (isBetter(value, current.acquisition)) current = { point, acquisition: value };
    }
  }
  return current;
}

/**
 * Bayesian batch: a GP per target, a feasibility model from failed runs, Monte-Carlo EI × feasibility searched
 * over Latin-hypercube candidates for every categorical combination plus a local refinement; batches by Kriging
 * believer (pending and already chosen points are fantasized at their posterior mean without refitting the
 * hyperparameters). Returns undefined when there are too few completed observations for a model.
 */
export function proposeBayesian(
  ctx: ProposalContext,
  objective: Objective,
  options: BayesianOptions = {},
): (Proposal & { modelVersion: string }) | undefined {
  const { enc, rng } = ctx;
  const d = enc.cardinality.length;
  if (ctx.completed.length < (options.initialDesignSize ?? Math.max(4, d + 1))) return undefined;

  const points = ctx.completed.map((c) => c.point);
  const features = modelFeatures(enc);
  let models = objective.targets.map((target) =>
    OutputModel.fit(
      target,
      points,
      ctx.completed.map((c) => c.observation.outputs![target.name]),
      ctx.completed.map((c) => c.observation.uncertainty?.[target.name]),
      features.cardinality,
      rng.fork(`fit:${target.name}`),
      options.fit,
      features.descriptors ? features.map : undefined,
    ),
  );
  const modelVersion = versionHash('gp', {
    hyperparameters: models.map((m) => m.gp.hyperparameters),
    points,
    outputs: ctx.completed.map((c) => c.observation.outputs),
    failed: ctx.failed,
  });
  // Failures are local: half the first target's length scales, but never so short that the gaps between
  // failed runs look feasible.
  // (With descriptors the GP's inputs are not the point's coordinates: the failure vote then uses 0.2.)
  const lengthScales = features.descriptors
    ? enc.cardinality.map(() => 0.2)
    : models[0].gp.hyperparameters.lengthScales.map((l) => Math.min(0.2, Math.max(0.1, l / 2)));
  const feasibility = new FeasibilityModel(points, ctx.failed, lengthScales, enc.cardinality);
  const mc = rng.fork('mc');
  const normals = Array.from({ length: options.mcSamples ?? 128 }, () =>
    objective.targets.map(() => mc.normal()),
  );
  const acquisitionFor = (incumbent: number) =>
    new MonteCarloExpectedImprovement(models, objective, enc, feasibility, incumbent, normals);

  const probe = acquisitionFor(Number.NEGATIVE_INFINITY);
  const ranked = points
    .map((point) => ({ point, score: probe.meanScore(point) }))
    .sort((a, b) => b.score - a.score);
  let incumbent = ranked[0].score;
  const incumbents = ranked.slice(0, 3).map((r) => r.point);

  for (const p of ctx.pending) {
    incumbent = Math.max(incumbent, acquisitionFor(incumbent).meanScore(p));
    models = models.map((m) => m.withFantasy(p));
  }

  const search = rng.fork('search');
  let fixed: FixedCoordinates = new Map();
  let pool = candidatePool(enc, search, fixed, incumbents, options);
  const chosen: Point[] = [];
  const values: number[] = [];
  for (let j = 0; j < ctx.batchSize; j++) {
    const acquisition = acquisitionFor(incumbent);
    const blocked = [...ctx.pending, ...chosen];
    const scored: Scored[] = [];
    for (const point of pool)
      if (nearestDistance(enc, point, blocked) > MIN_DISTANCE)
        scored.push({ point, acquisition: acquisition.evaluate(point) });
    let best: Scored;
    if (scored.length === 0) {
      // Nothing admissible (a tiny, mostly pending space): the point farthest from the blocked ones.
      const point = pool.reduce((a, b) =>
        nearestDistance(enc, b, blocked) > nearestDistance(enc, a, blocked) ? b : a,
      );
      best = { point, acquisition: acquisition.evaluate(point) };
    } else {
      scored.sort((a, b) =>
        isBetter(a.acquisition, b.acquisition) ? -1 : isBetter(b.acquisition, a.acquisition) ? 1 : 0,
      );
      best = scored[0];
      for (const start of scored.slice(0, options.refineTop ?? 5)) {
        const refined = refine(start, acquisition, enc, search, fixed, blocked);
        if (isBetter(refined.acquisition, best.acquisition)) best = refined;
      }
    }
    chosen.push(best.point);
    values.push(best.acquisition.value);
    if (j === 0 && ctx.groupIndices.length) {
      fixed = groupFixed(best.point, ctx.groupIndices);
      pool = candidatePool(
        enc,
        search,
        fixed,
        incumbents.map((p) => applyFixed([...p], fixed)),
        options,
      );
    }
    incumbent = Math.max(incumbent, acquisition.meanScore(best.point));
    models = models.map((m) => m.withFantasy(best.point));
  }
  return { points: chosen, acquisitionValues: values, modelVersion };
}
