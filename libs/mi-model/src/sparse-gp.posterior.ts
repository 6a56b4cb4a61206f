import {
  kernelRow,
  matern52,
  scaled,
  squaredDistance,
  type MaternHyperparameters,
} from './ard-matern.kernel';
import { LowerTriangular, dot, pivotedCholesky } from './dense.linalg';

export interface SparseGpData {
  readonly points: readonly (readonly number[])[];
  readonly y: readonly number[];
  /** Known variance of each observation, model units. */
  readonly noise: readonly number[];
}

export interface SparseGpOptions {
  /** Upper bound on inducing points; with fewer training points than this the posterior is exact. */
  readonly maxInducing: number;
}

/** A point's projections, kept so that covariances between many points cost O(m) each. */
export interface PosteriorPoint {
  readonly z: Float64Array;
  /** u = L_m⁻¹·k_m(x) and a = L_B⁻¹·u. */
  readonly u: Float64Array;
  readonly a: Float64Array;
  readonly mean: number;
  readonly variance: number;
}

/**
 * The GP posterior over all training points through inducing points (FITC, Snelson & Ghahramani 2006), in model
 * units. The inducing points are training points picked by a pivoted Cholesky of the kernel matrix: each next
 * one is the point the previous ones explain worst, until every point's unexplained prior variance is below
 * 1 % of the noise or `maxInducing` is reached. Below that bound the posterior is the exact GP (every point is
 * its own inducing point); above it, each point's unexplained variance is added to its noise (the FITC
 * diagonal), which keeps the predictive variance honest where the inducing points are thin.
 *
 * With Q = Vᵀ·V (V = L_m⁻¹·K_mn) and Λ = diag(known noise + fitted noise + residual):
 * B = I + V·Λ⁻¹·Vᵀ, mean(x) = uᵀ·B⁻¹·V·Λ⁻¹·y, var(x) = k(x,x) − |u|² + |L_B⁻¹·u|², u = L_m⁻¹·k_m(x).
 * Fitting is O(n·m²); a predicted mean O(m·d), a variance O(m²).
 */
export class SparsePosterior {
  private omegaCache?: Float64Array;
  private weightsCache?: Float64Array;

  private constructor(
    readonly hyperparameters: MaternHyperparameters,
    private readonly z: Float64Array[],
    private readonly y: number[],
    private readonly noise: number[],
    private readonly inducing: Float64Array[],
    private readonly lm: LowerTriangular,
    /** V by rows (inducing point × training point), growable as observations arrive. */
    private readonly v: number[][],
    private readonly lambda: number[],
    private readonly lb: LowerTriangular,
    /** V·Λ⁻¹·y. */
    private readonly b: number[],
    private readonly maxInducing: number,
    private readonly tolerance: number,
  ) {}

  static condition(h: MaternHyperparameters, data: SparseGpData, options: SparseGpOptions): SparsePosterior {
    const n = data.y.length;
    const z = data.points.map((x) => scaled(x, h.lengthScales));
    const s2 = h.signalVariance;
    const tolerance = toleranceFor(h, data.noise);
    const partial = pivotedCholesky(
      new Float64Array(n).fill(s2),
      (j) => kernelRow(z[j], z, s2),
      options.maxInducing,
      tolerance,
    );
    const m = partial.pivots.length;
    const lm = new LowerTriangular(
      partial.pivots.map((p, r) => Float64Array.from({ length: r + 1 }, (_, s) => partial.rows[s][p])),
    );
    const lambda = data.noise.map((e, j) => e + h.noiseVariance + Math.max(0, partial.residual[j]));
    const scaledRows = partial.rows.map((row) => row.map((v, j) => v / Math.sqrt(lambda[j])));
    const bMatrix: Float64Array[] = Array.from({ length: m }, () => new Float64Array(m));
    for (let r = 0; r < m; r++) {
      for (let s = 0; s <= r; s++) {
        const v = dot(scaledRows[r], scaledRows[s]) + (r === s ? 1 : 0);
        bMatrix[r][s] = v;
        bMatrix[s][r] = v;
      }
    }
    const { factor: lb } = LowerTriangular.cholesky(bMatrix);
    const b = partial.rows.map((row) => row.reduce((t, v, j) => t + (v * data.y[j]) / lambda[j], 0));
    return new SparsePosterior(
      h,
      z,
      [...data.y],
      [...data.noise],
      partial.pivots.map((p) => z[p]),
      lm,
      partial.rows.map((row) => Array.from(row)),
      lambda,
      lb,
      b,
      options.maxInducing,
      tolerance,
    );
  }

  get size(): number {
    return this.y.length;
  }

  get inducingCount(): number {
    return this.inducing.length;
  }

  /** B⁻¹·V·Λ⁻¹·y: the mean is uᵀ·ω. */
  private get omega(): Float64Array {
    this.omegaCache ??= this.lb.solveTransposed(this.lb.solve(this.b));
    return this.omegaCache;
  }

  /** L_m⁻ᵀ·ω: the mean is k_m(x)ᵀ·w, O(m) per point. */
  private get weights(): Float64Array {
    this.weightsCache ??= this.lm.solveTransposed(this.omega);
    return this.weightsCache;
  }

  private kernelToInducing(z: Float64Array): Float64Array {
    return kernelRow(z, this.inducing, this.hyperparameters.signalVariance);
  }

  /** Posterior mean of the latent function, model units. */
  mean(x: readonly number[]): number {
    return dot(this.kernelToInducing(scaled(x, this.hyperparameters.lengthScales)), this.weights);
  }

  /** Posterior of the latent function (no observation noise), model units. */
  predict(x: readonly number[]): { mean: number; variance: number } {
    const p = this.point(x);
    return { mean: p.mean, variance: p.variance };
  }

  point(x: readonly number[]): PosteriorPoint {
    const z = scaled(x, this.hyperparameters.lengthScales);
    const u = this.lm.solve(this.kernelToInducing(z));
    const a = this.lb.solve(u);
    const s2 = this.hyperparameters.signalVariance;
    const variance = Math.max(s2 - dot(u, u) + dot(a, a), 1e-12 * s2);
    return { z, u, a, mean: dot(u, this.omega), variance };
  }

  /** Posterior covariance of the latent function between two points. */
  covariance(p: PosteriorPoint, q: PosteriorPoint): number {
    const s2 = this.hyperparameters.signalVariance;
    return s2 * matern52(squaredDistance(p.z, q.z)) - dot(p.u, q.u) + dot(p.a, q.a);
  }

  /**
   * Leave-one-out predictive of each training output (noise included), closed form through Woodbury:
   * [K̃⁻¹]_jj = 1/λ_j − |L_B⁻¹v_j|²/λ_j², α_j = (y_j − v_j·ω)/λ_j, μ₋ⱼ = y_j − α_j/[K̃⁻¹]_jj, σ²₋ⱼ = 1/[K̃⁻¹]_jj.
   */
  leaveOneOut(): { mean: number[]; variance: number[] } {
    const m = this.inducing.length;
    const mean: number[] = [];
    const variance: number[] = [];
    const column = new Float64Array(m);
    for (let j = 0; j < this.y.length; j++) {
      for (let r = 0; r < m; r++) column[r] = this.v[r][j];
      const t = this.lb.solve(column);
      const lj = this.lambda[j];
      const inv = 1 / lj - dot(t, t) / (lj * lj);
      const alpha = (this.y[j] - dot(column, this.omega)) / lj;
      mean.push(this.y[j] - alpha / inv);
      variance.push(1 / inv);
    }
    return { mean, variance };
  }

  /**
   * The posterior with more observations and the same hyperparameters, without refactorizing: a point the
   * inducing points explain well is a rank-one update of L_B (O(m²)); one they do not becomes an inducing point
   * first, extending L_m and L_B by a row (O(n·m)). The existing points keep their FITC diagonal (it can only
   * have shrunk with the new inducing point), so the update is slightly conservative until a full refit.
   */
  withObservations(data: SparseGpData): SparsePosterior {
    const next = new SparsePosterior(
      this.hyperparameters,
      [...this.z],
      [...this.y],
      [...this.noise],
      [...this.inducing],
      this.lm.clone(),
      this.v.map((row) => [...row]),
      [...this.lambda],
      this.lb.clone(),
      [...this.b],
      this.maxInducing,
      this.tolerance,
    );
    data.y.forEach((y, i) => next.append(data.points[i], y, data.noise[i]));
    return next;
  }

  private append(x: readonly number[], y: number, noise: number): void {
    const h = this.hyperparameters;
    const s2 = h.signalVariance;
    const z = scaled(x, h.lengthScales);
    const kz = this.kernelToInducing(z);
    let u = this.lm.solve(kz);
    let residual = s2 - dot(u, u);
    if (residual > this.tolerance && this.inducing.length < this.maxInducing) {
      // A new inducing point: its row of V over the existing points, then the extended factors.
      const sd = Math.sqrt(residual);
      const row = this.z.map((zj, j) => {
        let t = s2 * matern52(squaredDistance(z, zj));
        for (let r = 0; r < u.length; r++) t -= u[r] * this.v[r][j];
        return t / sd;
      });
      const bRow = this.v.map((vr) => vr.reduce((t, vrj, j) => t + (vrj * row[j]) / this.lambda[j], 0));
      const bDiagonal = 1 + row.reduce((t, vj, j) => t + (vj * vj) / this.lambda[j], 0);
      if (this.lb.extend(bRow, bDiagonal)) {
        this.lm.rows.push(Float64Array.from([...u, sd]));
        this.v.push(row);
        this.inducing.push(z);
        this.b.push(row.reduce((t, vj, j) => t + (vj * this.y[j]) / this.lambda[j], 0));
        u = Float64Array.from([...u, sd]);
        residual = 0;
      }
    }
    const lambda = noise + h.noiseVariance + Math.max(0, residual);
    const w = u.map((ur) => ur / Math.sqrt(lambda));
    this.lb.rank1Update(w);
    u.forEach((ur, r) => {
      this.v[r].push(ur);
      this.b[r] += (ur * y) / lambda;
    });
    this.z.push(z);
    this.y.push(y);
    this.noise.push(noise);
    this.lambda.push(lambda);
    this.omegaCache = undefined;
    this.weightsCache = undefined;
  }
}

/** Unexplained prior variance below 1 % of the typical noise is left to the FITC diagonal. */
function toleranceFor(h: MaternHyperparameters, noise: readonly number[]): number {
  const sorted = [...noise].sort((a, b) => a - b);
  const median = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : 0;
  return Math.max(0.01 * (h.noiseVariance + median), 1e-8 * h.signalVariance);
}
