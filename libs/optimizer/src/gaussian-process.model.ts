import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { Rng } from '@graftlab/grafting-model';
import { maternKernel } from './matern.kernel';
import { nelderMead } from './nelder-mead.minimizer';
import type { Point } from './space.encoding';

export interface GpHyperparameters {
  /** One per parameter, in normalized units (the space is the unit cube). */
  readonly lengthScales: readonly number[];
  readonly signalVariance: number;
  /** Homoscedastic noise fitted on top of the per-observation noise. */
  readonly noiseVariance: number;
}

/** Training data in standardized units; `noise` is each observation's known variance (its reported uncertainty). */
export interface GpData {
  readonly points: readonly Point[];
  readonly y: readonly number[];
  readonly noise: readonly number[];
}

export interface GpFitOptions {
  /** Optimizer restarts (the first from a default guess, the rest random). */
  readonly starts?: number;
  readonly maxEvaluations?: number;
}

const LOG_2PI = Math.log(2 * Math.PI);
// Bounds on the log-hyperparameters: length scales from 1/50 to 20 box widths, standardized variances.
const BOUNDS = {
  lengthScale: [Math.log(0.02), Math.log(20)],
  signal: [Math.log(0.05), Math.log(20)],
  noise: [Math.log(1e-6), Math.log(1)],
};

/** Lower Cholesky factor by ml-matrix; a growing diagonal jitter rescues matrices that are PD only on paper. */
function choleskyLower(k: number[][]): number[][] {
  const n = k.length;
  if (n === 0) return [];
  const meanDiagonal = k.reduce((s, row, i) => s + row[i], 0) / n;
  let jitter = 0;
  for (let attempt = 0; attempt < 10; attempt++) {
    const m = new Matrix(k.map((row, i) => row.map((v, j) => (i === j ? v + jitter : v))));
    const decomposition = new CholeskyDecomposition(m);
    if (decomposition.isPositiveDefinite()) return decomposition.lowerTriangularMatrix.to2DArray();
    jitter = jitter === 0 ? 1e-10 * meanDiagonal : jitter * 10;
  }
  throw new Error('kernel matrix is not positive definite even with jitter');
}

/** Solves L·x = b for lower-triangular L. */
function forwardSolve(l: readonly (readonly number[])[], b: readonly number[]): number[] {
  const x = new Array<number>(b.length);
  for (let i = 0; i < b.length; i++) {
    let s = b[i];
    const row = l[i];
    for (let j = 0; j < i; j++) s -= row[j] * x[j];
    x[i] = s / row[i];
  }
  return x;
}

/** Solves Lᵀ·x = b for lower-triangular L. */
function backSolve(l: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < n; j++) s -= l[j][i] * x[j];
    x[i] = s / l[i][i];
  }
  return x;
}

function kernelMatrix(h: GpHyperparameters, cardinality: readonly number[], data: GpData): number[][] {
  const n = data.points.length;
  const k: number[][] = Array.from({ length: n }, () => new Array<number>(n));
  for (let i = 0; i < n; i++) {
    k[i][i] = h.signalVariance + h.noiseVariance + data.noise[i];
    for (let j = 0; j < i; j++) {
      const v = maternKernel(data.points[i], data.points[j], h, cardinality);
      k[i][j] = v;
      k[j][i] = v;
    }
  }
  return k;
}

/** Gaussian-process regression with a Matérn 5/2 ARD kernel and a zero prior mean (data are standardized). */
export class GaussianProcess {
  private constructor(
    readonly hyperparameters: GpHyperparameters,
    private readonly cardinality: readonly number[],
    readonly data: GpData,
    private readonly lower: number[][],
    private readonly alpha: number[],
    /** log p(y | X, θ) of the training data. */
    readonly logMarginalLikelihood: number,
  ) {}

  /** The posterior for fixed hyperparameters. */
  static condition(h: GpHyperparameters, cardinality: readonly number[], data: GpData): GaussianProcess {
    const lower = choleskyLower(kernelMatrix(h, cardinality, data));
    const alpha = backSolve(lower, forwardSolve(lower, data.y));
    let lml = -0.5 * data.y.length * LOG_2PI;
    data.y.forEach((y, i) => (lml -= 0.5 * y * alpha[i] + Math.log(lower[i][i])));
    return new GaussianProcess(h, cardinality, data, lower, alpha, lml);
  }

  /**
   * Hyperparameters by maximizing the log marginal likelihood over log-parameters (Nelder–Mead, multi-start),
   * with weak log-normal priors so that a handful of points cannot drive a length scale to a bound.
   */
  static fit(
    data: GpData,
    cardinality: readonly number[],
    rng: Rng,
    options: GpFitOptions = {},
  ): GaussianProcess {
    const d = cardinality.length;
    const starts = options.starts ?? 3;
    const decode = (theta: readonly number[]): GpHyperparameters => ({
      lengthScales: theta.slice(0, d).map((t) => Math.exp(clamp(t, BOUNDS.lengthScale))),
      signalVariance: Math.exp(clamp(theta[d], BOUNDS.signal)),
      noiseVariance: Math.exp(clamp(theta[d + 1], BOUNDS.noise)),
    });
    const objective = (theta: readonly number[]): number => {
      let penalty = 0;
      theta.forEach((t, i) => {
        const bounds = i < d ? BOUNDS.lengthScale : i === d ? BOUNDS.signal : BOUNDS.noise;
        penalty += 10 * (t - clamp(t, bounds)) ** 2;
        // Priors: ℓ ~ logN(log 0.5, 1), σ² ~ logN(0, 1.5), σn² ~ logN(log 0.01, 2).
        const [mu, sd] = i < d ? [Math.log(0.5), 1] : i === d ? [0, 1.5] : [Math.log(0.01), 2];
        penalty += 0.5 * ((t - mu) / sd) ** 2;
      });
      try {
        return -GaussianProcess.condition(decode(theta), cardinality, data).logMarginalLikelihood + penalty;
      } catch {
        return Number.POSITIVE_INFINITY;
      }
    };
    let best: { x: number[]; value: number } | undefined;
    for (let s = 0; s < starts; s++) {
      const start =
        s === 0
          ? [...new Array<number>(d).fill(Math.log(0.3)), 0, Math.log(0.01)]
          : [
              ...Array.from({ length: d }, () => rng.uniform(Math.log(0.05), Math.log(2))),
              rng.uniform(Math.log(0.3), Math.log(3)),
              rng.uniform(Math.log(1e-4), Math.log(0.1)),
            ];
      const result = nelderMead(objective, start, {
        step: 0.7,
        maxEvaluations: options.maxEvaluations ?? 60 * (d + 2),
      });
      if (!best || result.value < best.value) best = result;
    }
    return GaussianProcess.condition(decode(best!.x), cardinality, data);
  }

  /** Posterior mean and variance of the latent function (no observation noise) at x. */
  predict(x: Point): { mean: number; variance: number } {
    const n = this.data.points.length;
    const kStar = new Array<number>(n);
    let mean = 0;
    for (let i = 0; i < n; i++) {
      kStar[i] = maternKernel(x, this.data.points[i], this.hyperparameters, this.cardinality);
      mean += kStar[i] * this.alpha[i];
    }
    const v = forwardSolve(this.lower, kStar);
    let reduction = 0;
    for (const vi of v) reduction += vi * vi;
    return { mean, variance: Math.max(this.hyperparameters.signalVariance - reduction, 1e-12) };
  }

  /**
   * The same model with one more observation and unchanged hyperparameters (Kriging believer fantasies).
   * The Cholesky factor grows by one row, O(n²) instead of a new O(n³) factorization.
   */
  withObservation(x: Point, y: number, noise: number): GaussianProcess {
    const h = this.hyperparameters;
    const n = this.data.points.length;
    const kStar = this.data.points.map((p) => maternKernel(x, p, h, this.cardinality));
    const row = forwardSolve(this.lower, kStar);
    const diagonal = h.signalVariance + h.noiseVariance + noise - row.reduce((s, v) => s + v * v, 0);
    if (!(diagonal > 1e-12)) {
      return GaussianProcess.condition(h, this.cardinality, {
        points: [...this.data.points, x],
        y: [...this.data.y, y],
        noise: [...this.data.noise, noise],
      });
    }
    const lower = this.lower.map((r) => [...r, 0]);
    lower.push([...row, Math.sqrt(diagonal)]);
    const data: GpData = {
      points: [...this.data.points, x],
      y: [...this.data.y, y],
      noise: [...this.data.noise, noise],
    };
    const alpha = backSolve(lower, forwardSolve(lower, data.y));
    let lml = -0.5 * (n + 1) * LOG_2PI;
    data.y.forEach((yi, i) => (lml -= 0.5 * yi * alpha[i] + Math.log(lower[i][i])));
    return new GaussianProcess(h, this.cardinality, data, lower, alpha, lml);
  }
}

function clamp(t: number, [lo, hi]: readonly number[]): number {
  return Math.min(hi, Math.max(lo, t));
}
