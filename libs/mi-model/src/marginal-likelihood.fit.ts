import type { Rng } from '@graftlab/grafting-model';
import { matern52, matern52LengthScaleFactor } from './ard-matern.kernel';
import { LowerTriangular, dot } from './dense.linalg';
import { ExactGp, type ExactGpData, type ExactGpHyperparameters } from './exact-gp.model';
import { lbfgs } from './lbfgs.minimizer';

/** A log-normal prior on a positive hyperparameter, with hard bounds on its log (both in natural-log units). */
export interface LogNormalPrior {
  readonly mean: number;
  readonly sd: number;
  readonly lower: number;
  readonly upper: number;
}

export interface HyperparameterPriors {
  readonly lengthScale: LogNormalPrior;
  readonly signalVariance: LogNormalPrior;
  readonly noiseVariance: LogNormalPrior;
  readonly basisVariance: LogNormalPrior;
}

/**
 * Weak priors in model units (features in [0, 1], outputs standardized) so that a handful of points cannot drive a
 * hyperparameter to a bound. The length-scale median grows like √d (after Hvarfner et al. 2024, "vanilla BO in
 * high dimensions"): with more features each one must explain less, and an irrelevant one should stay switched off.
 */
export function defaultPriors(dimension: number): HyperparameterPriors {
  return {
    lengthScale: {
      mean: Math.log(0.5) + 0.5 * Math.log(Math.max(1, dimension / 4)),
      sd: 1.25,
      lower: Math.log(0.01),
      upper: Math.log(100),
    },
    signalVariance: { mean: 0, sd: 1.5, lower: Math.log(1e-3), upper: Math.log(50) },
    noiseVariance: { mean: Math.log(0.01), sd: 2, lower: Math.log(1e-6), upper: Math.log(2) },
    basisVariance: { mean: 0, sd: 1.5, lower: Math.log(1e-4), upper: Math.log(100) },
  };
}

const LOG_2PI = Math.log(2 * Math.PI);

function priorsByIndex(d: number, p: number, priors: HyperparameterPriors): LogNormalPrior[] {
  return [
    ...new Array<LogNormalPrior>(d).fill(priors.lengthScale),
    priors.signalVariance,
    priors.noiseVariance,
    ...new Array<LogNormalPrior>(p).fill(priors.basisVariance),
  ];
}

/** θ = [log ℓ₁…ℓ_d, log σ², log σ²_n, log s₁…s_p], each clamped into its bounds. */
export function decodeTheta(
  theta: readonly number[],
  d: number,
  bounds: readonly LogNormalPrior[],
): ExactGpHyperparameters {
  const v = theta.map((t, i) => Math.exp(Math.min(bounds[i].upper, Math.max(bounds[i].lower, t))));
  return {
    lengthScales: v.slice(0, d),
    signalVariance: v[d],
    noiseVariance: v[d + 1],
    basisVariances: v.slice(d + 2),
  };
}

export function encodeTheta(h: ExactGpHyperparameters): number[] {
  return [
    ...h.lengthScales.map(Math.log),
    Math.log(h.signalVariance),
    Math.log(h.noiseVariance),
    ...(h.basisVariances ?? []).map(Math.log),
  ];
}

/**
 * Squared differences of the raw features for every pair j < i, one array per feature, computed once per fit:
 * each likelihood evaluation then gets r² = Σ_k diff²_k/ℓ_k² and the length-scale gradients by contiguous sweeps.
 */
export interface PairwiseDifferences {
  readonly n: number;
  readonly squared: readonly Float64Array[];
}

export function pairwiseDifferences(points: readonly (readonly number[])[]): PairwiseDifferences {
  const n = points.length;
  const d = points[0]?.length ?? 0;
  const pairs = (n * (n - 1)) / 2;
  const squared = Array.from({ length: d }, () => new Float64Array(pairs));
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++, p++) {
      for (let k = 0; k < d; k++) {
        const delta = points[i][k] - points[j][k];
        squared[k][p] = delta * delta;
      }
    }
  }
  return { n, squared };
}

/**
 * −log p(y | θ) − log p(θ) and its gradient in θ. ∂log p(y|θ)/∂θ = ½·tr((ααᵀ − K⁻¹)·∂K/∂θ), with
 * ∂k/∂log ℓ_k = σ²·(5/3)(1 + √5 r)e^{−√5 r}·(Δ_k/ℓ_k)² for the Matérn 5/2.
 */
export function negativeLogPosterior(
  theta: readonly number[],
  data: ExactGpData,
  priors: HyperparameterPriors,
  differences: PairwiseDifferences = pairwiseDifferences(data.points),
): { value: number; gradient: number[] } {
  const d = differences.squared.length;
  const p = data.basis?.[0]?.length ?? 0;
  const bounds = priorsByIndex(d, p, priors);
  const h = decodeTheta(theta, d, bounds);
  const n = data.y.length;
  const pairs = (n * (n - 1)) / 2;
  const r2 = new Float64Array(pairs);
  for (let k = 0; k < d; k++) {
    const inv = 1 / (h.lengthScales[k] * h.lengthScales[k]);
    const col = differences.squared[k];
    for (let q = 0; q < pairs; q++) r2[q] += col[q] * inv;
  }
  const s = h.basisVariances ?? [];
  const basis = data.basis;
  // The lower triangle is all the Cholesky reads.
  const kMatrix: Float64Array[] = [];
  for (let i = 0, q = 0; i < n; i++) {
    const row = new Float64Array(i + 1);
    for (let j = 0; j < i; j++, q++) row[j] = h.signalVariance * matern52(r2[q]);
    row[i] = h.signalVariance + h.noiseVariance + data.noise[i];
    if (basis) {
      for (let j = 0; j <= i; j++) for (let b = 0; b < p; b++) row[j] += s[b] * basis[i][b] * basis[j][b];
    }
    kMatrix.push(row);
  }
  const { factor } = LowerTriangular.cholesky(kMatrix);
  const alpha = factor.solveTransposed(factor.solve(data.y));
  const lml = -0.5 * dot(data.y, alpha) - 0.5 * factor.logDeterminant() - 0.5 * n * LOG_2PI;
  const inv = factor.inverseOfProduct();
  // W = ααᵀ − K⁻¹: c_q = W_ij·σ²·(5/3)(1 + √5 r)e^{−√5 r} per pair, then the length-scale sweeps.
  const grad = new Array<number>(theta.length).fill(0);
  const c = new Float64Array(pairs);
  let signal = 0;
  let trace = 0;
  for (let i = 0, q = 0; i < n; i++) {
    const wii = alpha[i] * alpha[i] - inv[i][i];
    trace += wii;
    signal += 0.5 * wii * h.signalVariance;
    const invRow = inv[i];
    const ai = alpha[i];
    for (let j = 0; j < i; j++, q++) {
      const w = ai * alpha[j] - invRow[j];
      signal += w * h.signalVariance * matern52(r2[q]);
      c[q] = w * h.signalVariance * matern52LengthScaleFactor(r2[q]);
    }
  }
  for (let k = 0; k < d; k++) {
    const col = differences.squared[k];
    let g = 0;
    for (let q = 0; q < pairs; q++) g += c[q] * col[q];
    grad[k] = g / (h.lengthScales[k] * h.lengthScales[k]);
  }
  grad[d] = signal;
  grad[d + 1] = 0.5 * h.noiseVariance * trace;
  for (let b = 0; b < p && basis; b++) {
    // ½·s_b·hᵀ(ααᵀ − K⁻¹)h = ½·s_b·((hᵀα)² − hᵀK⁻¹h).
    const col = basis.map((row) => row[b]);
    const ha = dot(col, alpha);
    const v = factor.solve(col);
    grad[d + 2 + b] = 0.5 * s[b] * (ha * ha - dot(v, v));
  }
  // Negate (we minimize), zero the likelihood's pull outside the bounds, add the priors and the bound walls.
  let value = -lml;
  const gradient = grad.map((g, i) => {
    const b = bounds[i];
    const inside = theta[i] >= b.lower && theta[i] <= b.upper;
    let gi = inside ? -g : 0;
    value += 0.5 * ((theta[i] - b.mean) / b.sd) ** 2;
    gi += (theta[i] - b.mean) / (b.sd * b.sd);
    const excess = theta[i] - Math.min(b.upper, Math.max(b.lower, theta[i]));
    value += 10 * excess * excess;
    gi += 20 * excess;
    return gi;
  });
  return { value, gradient };
}

export interface HyperparameterFitOptions {
  readonly rng: Rng;
  /** Optimizer starts: the initial guesses given, the prior medians, then random draws from the priors. */
  readonly starts?: number;
  readonly maxIterations?: number;
  readonly initial?: readonly ExactGpHyperparameters[];
  readonly priors?: HyperparameterPriors;
}

export interface HyperparameterFit {
  readonly hyperparameters: ExactGpHyperparameters;
  /** The minimized −log posterior (lower is better) and the data's log marginal likelihood at the optimum. */
  readonly objective: number;
  readonly logMarginalLikelihood: number;
  readonly evaluations: number;
}

/** Type-II maximum a posteriori hyperparameters: multi-start L-BFGS on the exact marginal likelihood. */
export function fitHyperparameters(data: ExactGpData, options: HyperparameterFitOptions): HyperparameterFit {
  const d = data.points[0]?.length ?? 0;
  const p = data.basis?.[0]?.length ?? 0;
  const priors = options.priors ?? defaultPriors(d);
  const bounds = priorsByIndex(d, p, priors);
  const starts: number[][] = (options.initial ?? []).map((h) =>
    encodeTheta({ ...h, basisVariances: padBasis(h, p) }),
  );
  starts.push(bounds.map((b) => b.mean));
  const total = Math.max(options.starts ?? 3, starts.length);
  while (starts.length < total) {
    starts.push(bounds.map((b) => clamp(b.mean + 0.5 * b.sd * options.rng.normal(), b)));
  }
  const differences = pairwiseDifferences(data.points);
  const objective = (theta: readonly number[]) => {
    try {
      return negativeLogPosterior(theta, data, priors, differences);
    } catch {
      return { value: Number.POSITIVE_INFINITY, gradient: theta.map(() => 0) };
    }
  };
  let best: { x: number[]; value: number } | undefined;
  let evaluations = 0;
  for (const start of starts) {
    const result = lbfgs(objective, start, { maxIterations: options.maxIterations ?? 80 });
    evaluations += result.evaluations;
    if (!best || result.value < best.value) best = result;
  }
  const hyperparameters = decodeTheta(best!.x, d, bounds);
  return {
    hyperparameters,
    objective: best!.value,
    logMarginalLikelihood: ExactGp.condition(hyperparameters, data).logMarginalLikelihood,
    evaluations,
  };
}

function padBasis(h: ExactGpHyperparameters, p: number): number[] {
  const given = h.basisVariances ?? [];
  return Array.from({ length: p }, (_, i) => given[i] ?? 1);
}

function clamp(t: number, b: LogNormalPrior): number {
  return Math.min(b.upper, Math.max(b.lower, t));
}
