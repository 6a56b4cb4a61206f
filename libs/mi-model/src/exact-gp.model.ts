import { matern52, scaled, squaredDistance, type MaternHyperparameters } from './ard-matern.kernel';
import { LowerTriangular, dot } from './dense.linalg';

/**
 * Training data in model units. `noise` is each observation's known variance (its reported standard
 * uncertainty carried through the output transform and standardization), added to the fitted noise.
 */
export interface ExactGpData {
  readonly points: readonly (readonly number[])[];
  readonly y: readonly number[];
  readonly noise: readonly number[];
  /**
   * Optional explicit basis functions h(x) at each point (the transfer model's prior mean and a constant).
   * Their weights get zero-mean Gaussian priors with the `basisVariances` and are integrated out, which
   * adds Σ_p s_p·h_p(x)·h_p(x') to the kernel (Rasmussen & Williams §2.7).
   */
  readonly basis?: readonly (readonly number[])[];
}

export interface ExactGpHyperparameters extends MaternHyperparameters {
  readonly basisVariances?: readonly number[];
}

const LOG_2PI = Math.log(2 * Math.PI);

/** The full covariance of the training outputs: kernel + basis terms + fitted and known noise. */
export function trainingCovariance(h: ExactGpHyperparameters, data: ExactGpData): Float64Array[] {
  const n = data.points.length;
  const z = data.points.map((x) => scaled(x, h.lengthScales));
  const s = h.basisVariances ?? [];
  const k: Float64Array[] = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let v = h.signalVariance * matern52(squaredDistance(z[i], z[j]));
      if (data.basis) for (let p = 0; p < s.length; p++) v += s[p] * data.basis[i][p] * data.basis[j][p];
      k[i][j] = v;
      k[j][i] = v;
    }
    k[i][i] += h.noiseVariance + data.noise[i];
  }
  return k;
}

/**
 * Exact Gaussian-process regression for small data sets: the subsets the hyperparameters are fitted on, and the
 * transfer model's target campaign. O(n³) once, O(n²) per predicted variance.
 */
export class ExactGp {
  private constructor(
    readonly hyperparameters: ExactGpHyperparameters,
    readonly data: ExactGpData,
    private readonly scaledPoints: Float64Array[],
    private readonly factor: LowerTriangular,
    private readonly alpha: Float64Array,
    /** log p(y | X, θ). */
    readonly logMarginalLikelihood: number,
  ) {}

  static condition(h: ExactGpHyperparameters, data: ExactGpData): ExactGp {
    const { factor } = LowerTriangular.cholesky(trainingCovariance(h, data));
    const alpha = factor.solveTransposed(factor.solve(data.y));
    const n = data.y.length;
    const lml = -0.5 * dot(data.y, alpha) - 0.5 * factor.logDeterminant() - 0.5 * n * LOG_2PI;
    const z = data.points.map((x) => scaled(x, h.lengthScales));
    return new ExactGp(h, data, z, factor, alpha, lml);
  }

  private crossCovariance(x: readonly number[], basisAtX?: readonly number[]): Float64Array {
    const h = this.hyperparameters;
    const z = scaled(x, h.lengthScales);
    const s = h.basisVariances ?? [];
    const k = new Float64Array(this.scaledPoints.length);
    for (let i = 0; i < k.length; i++) {
      let v = h.signalVariance * matern52(squaredDistance(z, this.scaledPoints[i]));
      if (basisAtX && this.data.basis)
        for (let p = 0; p < s.length; p++) v += s[p] * basisAtX[p] * this.data.basis[i][p];
      k[i] = v;
    }
    return k;
  }

  /** Posterior of the latent function (no observation noise) at x; `basisAtX` = h(x) when the data has a basis. */
  predict(x: readonly number[], basisAtX?: readonly number[]): { mean: number; variance: number } {
    const h = this.hyperparameters;
    const k = this.crossCovariance(x, basisAtX);
    let prior = h.signalVariance;
    const s = h.basisVariances ?? [];
    if (basisAtX) for (let p = 0; p < s.length; p++) prior += s[p] * basisAtX[p] * basisAtX[p];
    const v = this.factor.solve(k);
    return { mean: dot(k, this.alpha), variance: Math.max(prior - dot(v, v), 1e-12 * prior) };
  }

  /**
   * Leave-one-out predictive of each training output, in closed form from K⁻¹ (R&W §5.4.2):
   * μ₋ᵢ = yᵢ − αᵢ/[K⁻¹]ᵢᵢ, σ²₋ᵢ = 1/[K⁻¹]ᵢᵢ (including that observation's noise).
   */
  leaveOneOut(): { mean: number[]; variance: number[] } {
    const inv = this.factor.inverseOfProduct();
    const mean: number[] = [];
    const variance: number[] = [];
    for (let i = 0; i < this.alpha.length; i++) {
      mean.push(this.data.y[i] - this.alpha[i] / inv[i][i]);
      variance.push(1 / inv[i][i]);
    }
    return { mean, variance };
  }

  /** Posterior mean and standard deviation of the basis weights β (prior N(0, diag(s))): E = S·Hᵀ·α. */
  basisWeights(): { mean: number[]; sd: number[] } {
    const s = this.hyperparameters.basisVariances ?? [];
    const basis = this.data.basis;
    if (!basis) return { mean: [], sd: [] };
    return {
      mean: s.map((sp, p) => sp * basis.reduce((t, hi, i) => t + hi[p] * this.alpha[i], 0)),
      sd: s.map((sp, p) => {
        const v = this.factor.solve(basis.map((hi) => hi[p]));
        return Math.sqrt(Math.max(sp - sp * sp * dot(v, v), 0));
      }),
    };
  }
}
